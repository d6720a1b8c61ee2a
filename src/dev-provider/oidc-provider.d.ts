// oidc-provider 9 ships no type declarations and @types/oidc-provider describes
// an older major. This declares only the part of its API the dev provider uses;
// widen it here when you need more.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type UnknownObject = Record<string, unknown>;

  /** What an adapter stores for one model instance (opaque to the adapter, JSON-safe). */
  export interface AdapterPayload extends UnknownObject {
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  }

  /** The storage contract; one instance per model name ("AccessToken", "Session", …). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientMetadata extends UnknownObject {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
  }

  export interface Client {
    clientId: string;
    clientName?: string;
    clientAuthMethod: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: UnknownObject, rejected: string[]): Promise<UnknownObject> | UnknownObject;
  }

  export interface BaseModel {
    jti: string;
    kind: string;
    iat?: number;
    exp?: number;
    readonly isExpired: boolean;
    readonly remainingTTL: number;
    save(): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface BaseToken extends BaseModel {
    accountId?: string;
    clientId?: string;
    grantId?: string;
    scope?: string;
    readonly scopes: Set<string>;
    expiresWithSession?: boolean;
  }

  export interface AccessToken extends BaseToken {
    accountId: string;
    clientId: string;
    grantId: string;
    /** Whether the token is bound to a key (DPoP's `jkt`, or a certificate's thumbprint). */
    isSenderConstrained(): boolean;
  }

  export interface RefreshToken extends BaseToken {
    consumed?: number;
    rotations?: number;
  }

  export interface Grant extends BaseModel {
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    getOIDCScope(): string;
  }

  export interface ModelStatic<T> {
    find(id: string, options?: { ignoreExpiration?: boolean }): Promise<T | undefined>;
  }

  export interface GrantStatic extends ModelStatic<Grant> {
    new (properties: { accountId: string; clientId: string }): Grant;
  }

  export interface PromptDetails extends UnknownObject {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  }

  export interface Interaction {
    uid: string;
    returnTo: string;
    grantId?: string;
    prompt: { name: string; reasons: string[]; details: PromptDetails };
    params: UnknownObject & { client_id?: string; scope?: string; redirect_uri?: string };
    session?: { accountId: string; uid: string };
    lastSubmission?: InteractionResults;
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean; amr?: string[]; acr?: string };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
    [key: string]: unknown;
  }

  export interface OIDCContext {
    route: string;
    params?: UnknownObject & { grant_type?: string };
    client?: Client;
    entities: {
      AccessToken?: AccessToken;
      RefreshToken?: RefreshToken;
      ClientCredentials?: BaseToken;
      [kind: string]: unknown;
    };
  }

  export interface KoaContextWithOIDC {
    oidc: OIDCContext;
    status: number;
    type: string;
    body: unknown;
    host: string;
    set(field: string, value: string): void;
  }

  export type ErrorOut = Record<string, string | undefined>;

  export interface Configuration extends UnknownObject {}

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: GrantStatic;
    readonly AccessToken: ModelStatic<AccessToken>;
    readonly RefreshToken: ModelStatic<RefreshToken>;
    readonly Session: ModelStatic<BaseModel>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>): this;
    on(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
  }

  export class OIDCProviderError extends Error {
    constructor(status: number, message: string);
    error: string;
    error_description?: string;
    status: number;
    expose: boolean;
  }

  export const errors: {
    OIDCProviderError: typeof OIDCProviderError;
    InvalidRequest: new (description: string) => OIDCProviderError;
    SessionNotFound: new (description: string) => OIDCProviderError;
    AccessDenied: new (description?: string) => OIDCProviderError;
  };
}
