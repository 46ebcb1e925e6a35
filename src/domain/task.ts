// Background tasks (bulk recovery): stored, so any Herald process can report their progress.

export type TaskStatus = 'running' | 'finished' | 'failed';

export interface RecoverTaskParams {
  endpointId: string;
  /** ISO time: failed deliveries created at or after it are sent again. */
  since: string;
  /** ISO time: only deliveries created before it (Svix's recover `until`); absent: up to now. */
  until?: string;
}

export interface Task {
  id: string;
  appId: string;
  /** recover: failed deliveries sent again; replay: messages never sent to the endpoint (Svix's replay-missing). */
  kind: 'endpoint.recover' | 'endpoint.replay';
  status: TaskStatus;
  params: RecoverTaskParams;
  /** Items the task expects to handle (counted when it started) and items handled so far. */
  total: number;
  done: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}
