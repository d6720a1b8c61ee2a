/**
 * The scopes the provider grants. oidc-provider drops any other requested
 * scope from the request (it is not granted, and the token response's `scope`
 * says so); a client whose registered `scope` metadata lists another one is
 * refused at start-up (invalid_client_metadata).
 */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'notes:read'] as const;
