// The delivery-state shapes (src/api/delivery-state.ts), beside types.ts: type-only, from the server's serializers.
export type {
  DeliveryOut as Delivery,
  MessageDeliveryOut as MessageDelivery,
  MessageWithDeliveryOut as MessageWithDelivery,
} from '../../sdk/client-types.js';
