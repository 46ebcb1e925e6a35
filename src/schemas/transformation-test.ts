import { Type, type Static } from 'typebox';
import { EventTypeName } from './bodies.js';

/** POST …/endpoints/{endpointId}/transformation/test: run code against an example, send nothing. */
export const TransformationTestBody = Type.Object(
  {
    transformation: Type.Optional(Type.String({
      maxLength: 65536,
      description: "the code to try (e.g. the editor's unsaved text); default: the endpoint's saved transformation",
    })),
    eventType: Type.Optional(EventTypeName),
    data: Type.Optional(Type.Unknown({ description: "the example message's data; default: the event type's catalogue example" })),
  },
  { additionalProperties: false },
);

export type TransformationTestBodyInput = Static<typeof TransformationTestBody>;
