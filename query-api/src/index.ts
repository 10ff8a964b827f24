export { startQueryApi } from './app';
export type { QueryApi } from './app';
export { loadConfig } from './config';
export type { QueryApiConfig } from './config';
export { buildOpenApiDocument } from './openapi/document';
