// Types of peer-process.js for the TypeScript test that runs the peer (test/bench/bench-peer.test.ts).
export function redisAnswers(url?: string, timeoutMs?: number): Promise<boolean>;

export function redisPid(url?: string): Promise<number | null>;

export interface PeerProcess {
  pid: number;
  /** whsec_<base64>: the key the peer signs every delivery with. */
  secret: string;
  /** The publish endpoint's origin (shape 'http'), or null. */
  url: string | null;
  stats(): Promise<{ added: number; delivered: number }>;
  produce(): Promise<unknown>;
  stopProducing(): Promise<unknown>;
  stop(): Promise<void>;
}

export function startPeer(options: { shape: 'http' | 'bulk'; target: string; redis?: string; secret?: string; maxOutstanding?: number }): Promise<PeerProcess>;
