// The roles an account or token may hold in an organisation, in the server's order (docs/security.md).
export const kRoles = ['administrator', 'isms_manager', 'risk_owner', 'auditor', 'contributor', 'viewer'] as const;
