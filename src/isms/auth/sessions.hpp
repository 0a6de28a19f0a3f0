// Signing in: password (and one-time code) checks, login throttling, and sessions.
//
// A session id is 256 random bits, handed to the client once (the HTTP layer puts it in an HttpOnly cookie)
// and stored only as its SHA-256. A session ends at logout, after `idle` without use, after `absolute` since
// sign-in, when its account is disabled, and when the password is reset. The CSRF token of a session is
// derived from its id (CsrfToken), so it needs no storage and dies with the session.
//
// Throttling (per account and per client address, in the store so that several servers share it): after
// `account_free` (resp. `address_free`) failures in a row, every further failure locks the key for
// first_lock · 2^(failures − free), at most `max_lock`; a locked key is refused with kRateLimited without
// looking at the password. Failures older than `forget_after` are forgotten; a successful sign-in clears the
// account's count. Each lock is written to the change log (entity "login_throttle", op "lockout"); sign-ins
// and sign-outs are logged too (entity "user", ops "login", "logout").
//
// Thread-safe; the policies are set once before serving.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "isms/auth/accounts.hpp"
#include "isms/auth/principal_cache.hpp"
#include "isms/core/time.hpp"
#include "isms/store/store.hpp"

namespace isms::auth {

using NowFn = std::function<time::Clock::time_point()>;

struct SessionPolicy {
    std::chrono::seconds idle{std::chrono::minutes(30)};
    std::chrono::seconds absolute{std::chrono::hours(12)};
};

struct ThrottlePolicy {
    int account_free = 5;
    int address_free = 20;
    std::chrono::seconds first_lock{5};
    std::chrono::seconds max_lock{std::chrono::minutes(15)};
    std::chrono::seconds forget_after{std::chrono::hours(1)};
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
    explicit SessionService(store::Store& store, NowFn now = [] { return time::Clock::now(); })
        : store_(store), now_(std::move(now)) {}

    void SetPolicy(const SessionPolicy& p) { policy_ = p; }
    void SetThrottle(const ThrottlePolicy& t) { throttle_ = t; }
    const SessionPolicy& policy() const { return policy_; }

    // Checks the credentials and opens a session. Throws kRateLimited (detail "retry_after" holds the
    // seconds), kUnauthenticated ("wrong username, password or one-time code"; detail field "totp" =
    // "required" when the password was right and the account needs a code), kInvalidInput (malformed input).
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
    void RecordFailure(const std::string& user_key, const std::string& addr_key);
    store::Store& store_;
    NowFn now_;
    SessionPolicy policy_;
    ThrottlePolicy throttle_;
    PrincipalCache<Session> cache_;  // the secret `id` is never stored in it
};

}  // namespace isms::auth
