// Signing in: password (and one-time code) checks, login throttling, and sessions.
//
// A session id is 256 random bits, handed to the client once (the HTTP layer puts it in an HttpOnly cookie)
// and stored only as its SHA-256. A session ends at logout, after `idle` without use, after `absolute` since
// sign-in, when its account is disabled, and when the password is reset. The CSRF token of a session is
// derived from its id (CsrfToken), so it needs no storage and dies with the session.
//
// Throttling (per account and per client address) is LoginThrottle's (throttle.hpp), shared with the checks of
// the current password in AccountService. A disabled account is refused exactly like a wrong password (and
// counted as a failure); the server log records why. Sign-ins and sign-outs are written to the change log
// (entity "user", ops "login", "logout"; installation-wide entries without an organisation).
//
// Thread-safe; the policies are set once before serving.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "isms/auth/accounts.hpp"
#include "isms/auth/principal_cache.hpp"
#include "isms/auth/throttle.hpp"
#include "isms/core/time.hpp"
#include "isms/store/store.hpp"

namespace isms::auth {

struct SessionPolicy {
    std::chrono::seconds idle{std::chrono::minutes(30)};
    std::chrono::seconds absolute{std::chrono::hours(12)};
};

struct LoginRequest {
    std::string username;
    std::string password;
    std::string totp;         // the one-time code when the account has a second factor
    std::string remote_addr;  // for throttling and the log
    std::string user_agent;
};

struct Session {
    std::string id;        // the secret: only returned by Login, never stored
    std::string id_hash;   // SHA-256 hex of id (the stored key)
    std::string csrf_token;
    User user;
    std::string created_at;
    std::string last_seen_at;
    std::string expires_at;  // absolute end
};

class SessionService {
public:
    // `throttle` is shared with AccountService and outlives this service.
    SessionService(store::Store& store, LoginThrottle& throttle, NowFn now = [] { return time::Clock::now(); })
        : store_(store), throttle_(throttle), now_(std::move(now)) {}

    void SetPolicy(const SessionPolicy& p) { policy_ = p; }
    const SessionPolicy& policy() const { return policy_; }

    // Checks the credentials and opens a session. Throws kRateLimited (detail "retry_after" holds the
    // seconds), kUnauthenticated ("wrong username, password or one-time code", also for a disabled account;
    // detail field "totp" = "required" when the password was right and the enabled account needs a code),
    // kInvalidInput (malformed input).
    Session Login(const LoginRequest& req);
    // The live session with this id, or nullopt (unknown, revoked, idle or expired, account disabled).
    // Refreshes the last-seen time (at most once a minute, or a quarter of the idle limit if shorter, per
    // server process). Cached per store state (principal_cache.hpp).
    std::optional<Session> Authenticate(const std::string& session_id);
    // Ends the session (idempotent). `ctx` is the caller, for the change log.
    void Logout(const Context& ctx, const std::string& session_id);

    static std::string HashId(const std::string& session_id);
    static std::string CsrfToken(const std::string& session_id);

private:
    store::Store& store_;
    LoginThrottle& throttle_;
    NowFn now_;
    SessionPolicy policy_;
    PrincipalCache<Session> cache_;  // the secret `id` is never stored in it
};

}  // namespace isms::auth
