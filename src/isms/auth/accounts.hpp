// Accounts and memberships: who may sign in, and which role they hold in which organisation.
//
// Usernames are installation-wide (a consultant is one account with a role in each client organisation);
// roles are per organisation. Every operation takes the caller's Context and checks the permission matrix
// itself (users.admin), so the CLI acting as a user obeys the same rules as the HTTP API:
//   - the local operator (Context::System, the CLI without --token/--as) may do everything;
//   - an administrator of an organisation manages its members: add accounts (with a role there), change and
//     revoke roles there, and disable, enable or reset the password of an account only when they
//     administer every organisation that account belongs to;
//   - nobody grants a role with more rights than they hold, and no organisation loses its last enabled
//     administrator.
// Accounts outside the caller's organisation are reported as not found. Every change is written to the
// change log in the same transaction (entity "user" / "membership"). Thread-safe (state lives in the store).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/auth/throttle.hpp"
#include "isms/core/context.hpp"
#include "isms/core/time.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/store.hpp"

namespace isms::auth {

struct Membership {
    std::string org_id;
    std::string org_slug;
    std::string org_name;
    Role role = Role::kViewer;
};

struct User {
    std::string id;
    std::string username;      // lower-case: letters, digits, '.', '_', '-', '@', '+'
    std::string display_name;
    bool disabled = false;
    bool totp_enabled = false;
    std::string created_at;
    std::string password_changed_at;
    std::vector<Membership> memberships;  // ordered by organisation slug
};

struct NewUser {
    std::string username;
    std::string display_name;  // default: the username
    std::string password;      // checked against the password policy (password.hpp)
    std::optional<Role> role;  // role in ctx.org_id; required unless the caller is the local operator
};

struct TotpEnrolment {
    std::string secret;  // base32
    std::string uri;     // otpauth:// for a QR code
};

class AccountService {
public:
    // `throttle` (shared with SessionService) guards the checks of an account's current password.
    AccountService(store::Store& store, LoginThrottle& throttle) : store_(store), throttle_(throttle) {}

    // Creates an account (and, with a role, its membership in ctx.org_id). Throws kInvalidInput (username,
    // password policy), kConflict (username taken), kForbidden.
    User Create(const Context& ctx, const NewUser& u);
    // Members of ctx.org_id (read permission); for the local operator without an organisation: every account.
    std::vector<User> List(const Context& ctx);
    // The account by username or id when the caller may see it (same organisation, or local operator).
    std::optional<User> Find(const Context& ctx, const std::string& username_or_id);
    // The account itself, without permission checks (used by authentication and `auth/me`).
    std::optional<User> FindById(const std::string& id);
    std::optional<User> FindByUsername(const std::string& username);

    void SetDisabled(const Context& ctx, const std::string& username, bool disabled);
    // Sets a new password (policy-checked), ends the account's sessions and clears its login throttle.
    void ResetPassword(const Context& ctx, const std::string& username, const std::string& new_password);
    // The account holder changes their own password (ctx.user_id); needs the current one, checked under the
    // login throttle (throttle.hpp) for the account and `remote_addr`: kRateLimited while either is locked
    // (the password is not looked at), kInvalidInput (field "current_password") when it is wrong, which counts
    // as a failed sign-in. Every other session of the account ends (all but the one whose id hash is
    // `keep_session_hash`).
    void ChangeOwnPassword(const Context& ctx, const std::string& current, const std::string& new_password,
                           const std::string& keep_session_hash = "", const std::string& remote_addr = "");
    // The account holder switches their own second factor off; needs the password, checked as by
    // ChangeOwnPassword (kInvalidInput field "password" when wrong).
    void DisableOwnTotp(const Context& ctx, const std::string& password, const std::string& remote_addr = "");

    // True when the enabled account `username` has this password. Not throttled: only for the demo banner
    // (which checks the demo's own accounts at start); anything a client triggers goes through the throttle.
    bool CheckPassword(const std::string& username, const std::string& password);

    // Grants `role` in ctx.org_id, replacing the account's role there. Anyone but the local operator can only
    // change the role of an existing member (an account of another organisation is reported as not found).
    Membership Grant(const Context& ctx, const std::string& username, Role role);
    // Removes the account's role in ctx.org_id.
    void Revoke(const Context& ctx, const std::string& username);

    // Installation-wide change-log entries (written without an organisation: sign-ins, sign-outs, lockouts,
    // account changes the local operator made without --org), filtered and paged as `q` says (its org_id and
    // condition are set here). Who sees which (docs/security.md, "The installation-wide log"):
    //   - the local operator (ctx.system): all of them;
    //   - an administrator (users.admin in ctx.org_id): those about the accounts that are members of ctx.org_id
    //     now: their sign-ins and sign-outs (entity "user"), lockouts of their usernames ("login_throttle",
    //     "user:NAME") and changes to the accounts themselves; never lockouts of client addresses or of
    //     usernames that are no member's (they tell of attempts on every organisation), nor the installation's
    //     own entries (migrations, reference data);
    //   - anyone else: kForbidden.
    std::vector<store::ChangeEntry> SystemLog(const Context& ctx, store::LogQuery q);

    // Second factor. EnableTotp (local operator, or an administrator as for ResetPassword) switches it on at
    // once and returns the secret; the self-service pair BeginTotp/ConfirmTotp (ctx.user_id) switches it on
    // only after a code from the new secret has been shown.
    TotpEnrolment EnableTotp(const Context& ctx, const std::string& username);
    void DisableTotp(const Context& ctx, const std::string& username);
    TotpEnrolment BeginTotp(const Context& ctx);
    void ConfirmTotp(const Context& ctx, const std::string& code, time::Clock::time_point now = time::Clock::now());

    // The context for an account acting in an organisation (`org_key`: slug or id; "" = its first
    // organisation by slug). kNotFound when the account is not a member there (existence hiding); an account
    // without any membership gets a context without organisation or role.
    Context ContextFor(const User& user, const std::string& org_key, const std::string& actor);

    // Normalises a username (trim, lower-case) and checks its form; throws kInvalidInput.
    static std::string NormaliseUsername(const std::string& username);

private:
    User RequireManageable(const Context& ctx, store::Db& db, const std::string& username);
    // The signed-in account's username once `password` is its current one (throttled; see ChangeOwnPassword).
    std::string ConfirmOwnPassword(const Context& ctx, const std::string& password, const std::string& remote_addr,
                                   const std::string& field);
    store::Store& store_;
    LoginThrottle& throttle_;
};

// The account's memberships, ordered by organisation slug.
std::vector<Membership> LoadMemberships(store::Db& db, const std::string& user_id);
// Loads an account row (and memberships) by id or username.
std::optional<User> LoadUser(store::Db& db, const std::string& column, const std::string& value);

}  // namespace isms::auth
