// API tokens for automation (CI jobs, scripts): `Authorization: Bearer isms_…`.
//
// A token belongs to one organisation and carries one role there; nobody creates a token with more rights
// than their own role (RoleCovers). It is shown once at creation and stored only as its SHA-256 (256 random
// bits, so a fast hash is enough). A token stops working when revoked, when it expires, and - for a token
// an account created - when that account is disabled or no longer holds a role covering the token's role.
// The last use is recorded (at most once a minute per server process). Creating, listing and revoking need
// tokens.admin. Authentication is cached per store state (principal_cache.hpp), so a request with a known token
// costs one small read (the change log's head) instead of a lookup. Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "isms/auth/principal_cache.hpp"
#include "isms/auth/sessions.hpp"
#include "isms/core/context.hpp"
#include "isms/store/store.hpp"

namespace isms::auth {

struct ApiToken {
    std::string id;
    std::string org_id;
    std::string name;
    std::string prefix;  // the first characters of the secret, to recognise it
    Role role = Role::kViewer;
    std::string user_id;  // the account that created it ("" for the local operator)
    std::string created_by;
    std::string created_at;
    std::string expires_at;  // "" = does not expire
    std::string last_used_at;
    std::string revoked_at;
    bool active = false;  // not revoked and not expired
};

struct NewToken {
    std::string name;                             // 1-64 characters: letters, digits, '.', '_', '-'
    Role role = Role::kViewer;
    std::optional<std::chrono::seconds> lifetime;  // nullopt: does not expire
};

struct CreatedToken {
    ApiToken token;
    std::string secret;  // "isms_" + 64 hex digits; shown once
};

class TokenService {
public:
    explicit TokenService(store::Store& store, NowFn now = [] { return time::Clock::now(); })
        : store_(store), now_(std::move(now)) {}

    // Throws kForbidden, kInvalidInput (name), kConflict (an active token of that name exists).
    CreatedToken Create(const Context& ctx, const NewToken& t);
    // Tokens of ctx.org_id, newest first.
    std::vector<ApiToken> List(const Context& ctx);
    // Revokes by id or by the name of an active token; kNotFound outside ctx.org_id.
    ApiToken Revoke(const Context& ctx, const std::string& id_or_name);

    // The context a presented token acts with, or nullopt when it is not a live token. `org_key` (slug or id)
    // must name the token's organisation when given (otherwise kNotFound).
    std::optional<Context> Authenticate(const std::string& secret, const std::string& org_key = "");

    static bool LooksLikeToken(const std::string& s);

private:
    struct Principal {
        ApiToken token;  // as stored; expiry is checked at every use
        std::string org_slug;
        bool valid = false;  // not revoked, a known role, creator (if any) enabled and holding a covering role
    };
    store::Store& store_;
    NowFn now_;
    PrincipalCache<Principal> cache_;
};

}  // namespace isms::auth
