// Accounts, sessions, throttling and tokens on both backends, with a controllable clock.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "isms/auth/accounts.hpp"
#include "isms/auth/password.hpp"
#include "isms/auth/sessions.hpp"
#include "isms/auth/tokens.hpp"
#include "isms/auth/totp.hpp"
#include "isms/core/error.hpp"
#include "isms/org/organisations.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/test_support.hpp"

namespace isms::auth {
namespace {

using namespace std::chrono_literals;

ErrorCode CodeOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::kInternal;  // "no error" is never what these tests expect
}

class AuthTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        SetHashCost(HashCost::kMinimumForTests);  // argon2id all the same, without 64 MiB per hash
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 2});
        store_->Migrate();
        orgs_ = std::make_unique<org::OrganisationService>(*store_);
        auto clock = [this] { return now_; };
        throttle_ = std::make_unique<LoginThrottle>(*store_, clock);
        accounts_ = std::make_unique<AccountService>(*store_, *throttle_);
        sessions_ = std::make_unique<SessionService>(*store_, *throttle_, clock);
        tokens_ = std::make_unique<TokenService>(*store_, clock);
        a_ = orgs_->Create(Context::System(), "Acme AB").id;
        b_ = orgs_->Create(Context::System(), "Beta AB").id;
        Add(a_, "anna", Role::kAdministrator);
        Add(b_, "bert", Role::kAdministrator);
    }

    User Add(const std::string& org, const std::string& name, Role role) {
        return accounts_->Create(Context::System(org), {name, "", kPassword, role});
    }
    Context As(const std::string& name, const std::string& org = "") {
        auto u = accounts_->FindByUsername(name);
        return accounts_->ContextFor(*u, org, "user:" + name);
    }
    Session Login(const std::string& user, const std::string& pw = kPassword, const std::string& totp = "",
                  const std::string& addr = "10.0.0.1") {
        return sessions_->Login({user, pw, totp, addr, "test"});
    }
    int64_t CountLog(const std::string& entity, const std::string& op) {
        return store_->Read([&](store::Db& db) {
            return db.QueryOne("SELECT COUNT(*) FROM change_log WHERE entity = ? AND op = ?", {store::V(entity), store::V(op)})
                ->Int(0);
        });
    }

    static constexpr const char* kPassword = "brittle-otter-sings-42";
    std::unique_ptr<store::testing_support::TempDatabase> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<org::OrganisationService> orgs_;
    std::unique_ptr<LoginThrottle> throttle_;
    std::unique_ptr<AccountService> accounts_;
    std::unique_ptr<SessionService> sessions_;
    std::unique_ptr<TokenService> tokens_;
    time::Clock::time_point now_ = time::Clock::now();
    std::string a_, b_;
};

TEST_P(AuthTest, LoginOpensASessionWhoseIdIsStoredOnlyHashed) {
    auto s = Login("Anna");  // usernames are case-insensitive
    EXPECT_EQ(s.id.size(), 64u);
    EXPECT_EQ(s.user.username, "anna");
    ASSERT_EQ(s.user.memberships.size(), 1u);
    EXPECT_EQ(s.user.memberships[0].role, Role::kAdministrator);
    auto stored = store_->Read([&](store::Db& db) { return db.Query("SELECT id_hash FROM sessions"); });
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_NE(stored[0].Str(0), s.id);
    EXPECT_EQ(stored[0].Str(0), SessionService::HashId(s.id));
    auto again = sessions_->Authenticate(s.id);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->csrf_token, s.csrf_token);
    EXPECT_NE(Login("anna").csrf_token, s.csrf_token);  // each session has its own CSRF token
    EXPECT_EQ(CountLog("user", "login"), 2);
    EXPECT_TRUE(store::VerifyLog(*store_).ok);
}

TEST_P(AuthTest, WrongPasswordAndUnknownUserLookAlike) {
    EXPECT_EQ(CodeOf([&] { Login("anna", "wrong-password-here"); }), ErrorCode::kUnauthenticated);
    EXPECT_EQ(CodeOf([&] { Login("nobody", kPassword); }), ErrorCode::kUnauthenticated);
    EXPECT_FALSE(sessions_->Authenticate(std::string(64, 'a')));
    EXPECT_FALSE(sessions_->Authenticate("not-hex"));
}

TEST_P(AuthTest, AccountLocksWithExponentialBackOffAndTheLockIsLogged) {
    for (int i = 0; i < 4; ++i) EXPECT_EQ(CodeOf([&] { Login("anna", "wrong-password-here"); }), ErrorCode::kUnauthenticated);
    EXPECT_EQ(CountLog("login_throttle", "lockout"), 0);
    EXPECT_EQ(CodeOf([&] { Login("anna", "wrong-password-here"); }), ErrorCode::kUnauthenticated);  // 5th: locks 5 s
    EXPECT_EQ(CountLog("login_throttle", "lockout"), 1);
    // Locked: even the right password is refused, from any address.
    try {
        Login("anna", kPassword, "", "10.9.9.9");
        FAIL() << "expected rate limiting";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kRateLimited);
        ASSERT_FALSE(e.details().empty());
        EXPECT_EQ(e.details()[0].field, "retry_after");
        EXPECT_EQ(e.details()[0].message, "5");
    }
    now_ += 6s;
    EXPECT_EQ(CodeOf([&] { Login("anna", "wrong-password-here"); }), ErrorCode::kUnauthenticated);  // 6th: 10 s
    now_ += 6s;
    EXPECT_EQ(CodeOf([&] { Login("anna"); }), ErrorCode::kRateLimited);
    now_ += 5s;
    EXPECT_NO_THROW(Login("anna"));  // success clears the account's count
    EXPECT_EQ(CodeOf([&] { Login("anna", "wrong-password-here"); }), ErrorCode::kUnauthenticated);
    EXPECT_NO_THROW(Login("anna"));
    EXPECT_EQ(CountLog("login_throttle", "lockout"), 2);
}

TEST_P(AuthTest, ADisabledAccountWithItsPasswordIsAnsweredLikeAWrongPasswordAndCounted) {
    Add(a_, "carl", Role::kViewer);
    accounts_->SetDisabled(As("anna"), "carl", true);
    auto message = [&](const std::string& password) {
        try {
            Login("carl", password);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
            EXPECT_TRUE(e.details().empty()) << "no detail may tell the password was right";
            return std::string(e.what());
        }
        ADD_FAILURE() << "a disabled account signed in";
        return std::string();
    };
    EXPECT_EQ(message(kPassword), message("wrong-password-here"));
    for (int i = 0; i < 3; ++i) message(kPassword);
    // Five failures in a row (two wrong, three right but disabled): the account is locked like any other.
    EXPECT_EQ(CountLog("login_throttle", "lockout"), 1);
    EXPECT_EQ(CodeOf([&] { Login("carl"); }), ErrorCode::kRateLimited);
}

TEST_P(AuthTest, CheckingTheCurrentPasswordIsThrottledLikeSigningIn) {
    auto ctx = As("anna");
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(CodeOf([&] { accounts_->ChangeOwnPassword(ctx, "wrong-password-here", "second-otter-sings-43", "",
                                                              "10.0.0.5"); }),
                  ErrorCode::kInvalidInput);
    EXPECT_EQ(CodeOf([&] { accounts_->DisableOwnTotp(ctx, "wrong-password-here", "10.0.0.5"); }),
              ErrorCode::kInvalidInput);  // the 5th failure: locked
    EXPECT_EQ(CountLog("login_throttle", "lockout"), 1);
    // Locked: the right password is not looked at, by either door, nor by the sign-in form.
    EXPECT_EQ(CodeOf([&] { accounts_->ChangeOwnPassword(ctx, kPassword, "second-otter-sings-43", "", "10.0.0.6"); }),
              ErrorCode::kRateLimited);
    EXPECT_EQ(CodeOf([&] { accounts_->DisableOwnTotp(ctx, kPassword, "10.0.0.6"); }), ErrorCode::kRateLimited);
    EXPECT_EQ(CodeOf([&] { Login("anna", kPassword, "", "10.0.0.6"); }), ErrorCode::kRateLimited);
    now_ += 6s;
    EXPECT_NO_THROW(accounts_->ChangeOwnPassword(ctx, kPassword, "second-otter-sings-43", "", "10.0.0.6"));
    // The success cleared the count: one failure does not lock again.
    EXPECT_EQ(CodeOf([&] { accounts_->DisableOwnTotp(ctx, kPassword, "10.0.0.6"); }), ErrorCode::kInvalidInput);
    EXPECT_NO_THROW(accounts_->DisableOwnTotp(ctx, "second-otter-sings-43", "10.0.0.6"));
    EXPECT_EQ(CountLog("login_throttle", "lockout"), 1);
}

TEST_P(AuthTest, AnAccountOfAnotherOrganisationIsAnsweredLikeOneThatDoesNotExist) {
    // bert administers Beta; anna is Acme's, "nobody" exists nowhere.
    auto bert = As("bert");
    auto answer = [&](auto&& op) {
        try {
            op();
        } catch (const Error& e) {
            return fmt::format("{} {}", static_cast<int>(e.code()), e.what());
        }
        return std::string("no error");
    };
    auto same = [&](auto&& op) {
        std::string real = answer([&] { op("anna"); }), fake = answer([&] { op("nobody"); });
        std::string normalised = real;
        if (auto pos = normalised.find("anna"); pos != std::string::npos) normalised.replace(pos, 4, "nobody");
        EXPECT_EQ(normalised, fake) << real;
        EXPECT_NE(real, "no error");
    };
    same([&](const std::string& n) { accounts_->Grant(bert, n, Role::kViewer); });
    same([&](const std::string& n) { accounts_->Revoke(bert, n); });
    same([&](const std::string& n) { accounts_->SetDisabled(bert, n, true); });
    same([&](const std::string& n) { accounts_->ResetPassword(bert, n, "second-otter-sings-43"); });
    same([&](const std::string& n) { accounts_->EnableTotp(bert, n); });
    same([&](const std::string& n) { accounts_->DisableTotp(bert, n); });
    EXPECT_FALSE(accounts_->Find(bert, "anna"));
}

TEST_P(AuthTest, TheInstallationWideLogShowsAdministratorsWhatConcernsTheirMembers) {
    Add(a_, "vera", Role::kViewer);
    Login("anna");
    Login("bert");
    for (int i = 0; i < 5; ++i) EXPECT_ANY_THROW(Login("vera", "wrong-password-here", "", "192.0.2.9"));  // locks vera
    for (int i = 0; i < 5; ++i) EXPECT_ANY_THROW(Login("nobody", "wrong-password-here", "", "192.0.2.9"));
    throttle_->SetPolicy({.address_free = 3});
    EXPECT_ANY_THROW(Login("bert", "wrong-password-here", "", "192.0.2.9"));  // locks the address
    auto seen = [&](const Context& ctx) {
        std::set<std::string> out;
        for (const auto& e : accounts_->SystemLog(ctx, {.limit = 100, .newest_first = true})) {
            EXPECT_EQ(e.org_id, "");
            std::string who = e.entity == "user" ? accounts_->FindById(e.entity_id)->username : e.entity_id;
            out.insert(e.op + " " + who);
        }
        return out;
    };
    auto anna = seen(As("anna"));
    EXPECT_TRUE(anna.count("login anna"));
    EXPECT_TRUE(anna.count("lockout user:vera"));
    EXPECT_FALSE(anna.count("login bert")) << "another organisation's member";
    EXPECT_FALSE(anna.count("lockout user:nobody")) << "a name that is no member's";
    EXPECT_FALSE(anna.count("lockout addr:192.0.2.9")) << "an address tells of attempts on everyone";
    auto bert = seen(As("bert"));
    EXPECT_TRUE(bert.count("login bert"));
    EXPECT_FALSE(bert.count("login anna"));
    EXPECT_FALSE(bert.count("lockout user:vera"));
    auto all = seen(Context::System());
    for (const char* e : {"login anna", "login bert", "lockout user:vera", "lockout user:nobody", "lockout addr:192.0.2.9"})
        EXPECT_TRUE(all.count(e)) << e;
    EXPECT_EQ(CodeOf([&] { accounts_->SystemLog(As("vera"), {}); }), ErrorCode::kForbidden);
}

TEST_P(AuthTest, AnAddressTryingManyAccountsIsThrottled) {
    throttle_->SetPolicy({.account_free = 5, .address_free = 8});
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(CodeOf([&] { Login("guess" + std::to_string(i), "wrong-password-here", "", "192.0.2.7"); }),
                  ErrorCode::kUnauthenticated);
    EXPECT_EQ(CodeOf([&] { Login("anna", kPassword, "", "192.0.2.7"); }), ErrorCode::kRateLimited);
    EXPECT_NO_THROW(Login("anna", kPassword, "", "192.0.2.8"));  // other addresses are not affected
}

TEST_P(AuthTest, SessionsEndWhenIdleExpiredLoggedOutDisabledOrPasswordReset) {
    sessions_->SetPolicy({.idle = 10min, .absolute = 1h});
    auto s = Login("anna");
    now_ += 9min;
    EXPECT_TRUE(sessions_->Authenticate(s.id));  // use refreshes the idle timer
    now_ += 9min;
    EXPECT_TRUE(sessions_->Authenticate(s.id));
    now_ += 11min;
    EXPECT_FALSE(sessions_->Authenticate(s.id)) << "idle";

    auto s2 = Login("anna");
    for (int i = 0; i < 7; ++i) {
        now_ += 9min;
        if (i < 6) {
            EXPECT_TRUE(sessions_->Authenticate(s2.id)) << i;
        }
    }
    EXPECT_FALSE(sessions_->Authenticate(s2.id)) << "absolute";

    auto s3 = Login("anna");
    sessions_->Logout(As("anna"), s3.id);
    EXPECT_FALSE(sessions_->Authenticate(s3.id)) << "logout";
    EXPECT_EQ(CountLog("user", "logout"), 1);

    Add(a_, "carl", Role::kViewer);
    auto s4 = Login("carl");
    accounts_->SetDisabled(As("anna"), "carl", true);
    EXPECT_FALSE(sessions_->Authenticate(s4.id)) << "disabled";
    EXPECT_EQ(CodeOf([&] { Login("carl"); }), ErrorCode::kUnauthenticated);
    accounts_->SetDisabled(As("anna"), "carl", false);
    auto s5 = Login("carl");
    accounts_->ResetPassword(As("anna"), "carl", "second-otter-sings-43");
    EXPECT_FALSE(sessions_->Authenticate(s5.id)) << "password reset";
    EXPECT_NO_THROW(Login("carl", "second-otter-sings-43"));
}

TEST_P(AuthTest, SecondFactorIsRequiredAndEachCodeWorksOnce) {
    auto e = accounts_->EnableTotp(Context::System(), "anna");
    auto key = *Base32Decode(e.secret);
    int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
    try {
        Login("anna");
        FAIL() << "a code should be required";
    } catch (const Error& err) {
        EXPECT_EQ(err.code(), ErrorCode::kUnauthenticated);
        ASSERT_FALSE(err.details().empty());
        EXPECT_EQ(err.details()[0].field, "totp");
    }
    std::string code = TotpCode(key, t);
    EXPECT_NO_THROW(Login("anna", kPassword, code));
    EXPECT_EQ(CodeOf([&] { Login("anna", kPassword, code); }), ErrorCode::kUnauthenticated);  // replayed
    now_ += 30s;
    EXPECT_NO_THROW(Login("anna", kPassword, TotpCode(key, t + 30)));
    accounts_->DisableTotp(As("anna"), "anna");
    EXPECT_NO_THROW(Login("anna"));
}

TEST_P(AuthTest, SelfServiceEnrolmentActivatesOnlyAfterAValidCode) {
    auto ctx = As("anna");
    auto e = accounts_->BeginTotp(ctx);
    EXPECT_NO_THROW(Login("anna"));  // still pending
    EXPECT_EQ(CodeOf([&] { accounts_->ConfirmTotp(ctx, "000000", now_); }), ErrorCode::kInvalidInput);
    int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
    accounts_->ConfirmTotp(ctx, TotpCode(*Base32Decode(e.secret), t), now_);
    EXPECT_EQ(CodeOf([&] { Login("anna"); }), ErrorCode::kUnauthenticated);
}

TEST_P(AuthTest, AdministratorsSeeAndManageOnlyTheirOwnOrganisation) {
    Add(a_, "alva", Role::kViewer);
    auto bert = As("bert");
    EXPECT_FALSE(accounts_->Find(bert, "alva"));
    for (const auto& u : accounts_->List(bert)) EXPECT_NE(u.username, "alva");
    EXPECT_EQ(CodeOf([&] { accounts_->SetDisabled(bert, "alva", true); }), ErrorCode::kNotFound);
    EXPECT_EQ(CodeOf([&] { accounts_->ResetPassword(bert, "alva", "hijacked-otter-sings-9"); }), ErrorCode::kNotFound);
    EXPECT_EQ(CodeOf([&] { accounts_->Grant(bert, "alva", Role::kViewer); }), ErrorCode::kNotFound);
    EXPECT_EQ(CodeOf([&] { accounts_->Revoke(bert, "alva"); }), ErrorCode::kNotFound);
    EXPECT_EQ(CodeOf([&] { accounts_->EnableTotp(bert, "alva"); }), ErrorCode::kNotFound);
    EXPECT_EQ(CodeOf([&] { As("bert", a_); }), ErrorCode::kNotFound);

    // An account in both organisations is changed only by someone who administers both.
    accounts_->Grant(Context::System(b_), "alva", Role::kViewer);
    EXPECT_EQ(CodeOf([&] { accounts_->SetDisabled(bert, "alva", true); }), ErrorCode::kForbidden);
    auto seen = accounts_->Find(bert, "alva");
    ASSERT_TRUE(seen);
    ASSERT_EQ(seen->memberships.size(), 1u);  // Beta's view does not show Acme
    EXPECT_EQ(seen->memberships[0].org_id, b_);
    EXPECT_NO_THROW(accounts_->Revoke(bert, "alva"));  // but Beta may remove her from Beta
}

TEST_P(AuthTest, RolesLimitWhatAccountsMayDo) {
    Add(a_, "vera", Role::kViewer);
    Add(a_, "mats", Role::kIsmsManager);
    EXPECT_EQ(CodeOf([&] { accounts_->Create(As("vera"), {"newbie", "", kPassword, Role::kViewer}); }),
              ErrorCode::kForbidden);
    EXPECT_EQ(CodeOf([&] { accounts_->Grant(As("mats"), "vera", Role::kAdministrator); }), ErrorCode::kForbidden);
    EXPECT_EQ(CodeOf([&] { accounts_->Create(As("anna"), {"anna", "", kPassword, Role::kViewer}); }),
              ErrorCode::kConflict);
    EXPECT_EQ(CodeOf([&] { accounts_->Create(As("anna"), {"bad name", "", kPassword, Role::kViewer}); }),
              ErrorCode::kInvalidInput);
    EXPECT_EQ(CodeOf([&] { accounts_->Create(As("anna"), {"newbie", "", "password1234", Role::kViewer}); }),
              ErrorCode::kInvalidInput);
    // No organisation loses its last administrator through the API.
    EXPECT_EQ(CodeOf([&] { accounts_->Revoke(As("anna"), "anna"); }), ErrorCode::kConflict);
    EXPECT_EQ(CodeOf([&] { accounts_->SetDisabled(As("anna"), "anna", true); }), ErrorCode::kConflict);
    EXPECT_EQ(CodeOf([&] { accounts_->Grant(As("anna"), "anna", Role::kViewer); }), ErrorCode::kConflict);
    accounts_->Grant(As("anna"), "mats", Role::kAdministrator);
    EXPECT_NO_THROW(accounts_->Grant(As("anna"), "anna", Role::kViewer));
    EXPECT_EQ(As("anna").role, Role::kViewer);
    EXPECT_EQ(CountLog("membership", "update"), 2);
}

TEST_P(AuthTest, TokensAreShownOnceStoredHashedAndDieWhenRevokedOrExpired) {
    auto created = tokens_->Create(As("anna"), {"ci", Role::kViewer, 1h});
    EXPECT_TRUE(TokenService::LooksLikeToken(created.secret));
    auto stored = store_->Read([&](store::Db& db) { return db.QueryOne("SELECT token_hash FROM api_tokens")->Str(0); });
    EXPECT_EQ(stored.find(created.secret.substr(5)), std::string::npos);
    auto ctx = tokens_->Authenticate(created.secret);
    ASSERT_TRUE(ctx);
    EXPECT_EQ(ctx->org_id, a_);
    EXPECT_EQ(ctx->role, Role::kViewer);
    EXPECT_EQ(ctx->actor, "token:ci");
    EXPECT_FALSE(tokens_->List(As("anna"))[0].last_used_at.empty());
    EXPECT_EQ(CodeOf([&] { tokens_->Authenticate(created.secret, "beta-ab"); }), ErrorCode::kNotFound);
    EXPECT_TRUE(tokens_->Authenticate(created.secret, "acme-ab"));
    EXPECT_EQ(CodeOf([&] { tokens_->Create(As("anna"), {"ci", Role::kViewer, 1h}); }), ErrorCode::kConflict);

    now_ += 2h;
    EXPECT_FALSE(tokens_->Authenticate(created.secret)) << "expired";

    auto second = tokens_->Create(As("anna"), {"deploy", Role::kContributor, std::nullopt});
    EXPECT_TRUE(tokens_->Authenticate(second.secret));
    EXPECT_EQ(CodeOf([&] { tokens_->Revoke(As("bert"), "deploy"); }), ErrorCode::kNotFound);
    tokens_->Revoke(As("anna"), "deploy");
    EXPECT_FALSE(tokens_->Authenticate(second.secret)) << "revoked";
    EXPECT_EQ(CountLog("api_token", "revoke"), 1);
    EXPECT_FALSE(tokens_->Authenticate("isms_" + std::string(64, '0')));
}

TEST_P(AuthTest, ATokenNeverOutlivesItsCreatorsRights) {
    Add(a_, "mats", Role::kIsmsManager);
    EXPECT_EQ(CodeOf([&] { tokens_->Create(As("mats"), {"too-strong", Role::kAdministrator, 1h}); }),
              ErrorCode::kForbidden);
    EXPECT_NO_THROW(tokens_->Create(As("bert"), {"x", Role::kViewer, 1h}));
    auto t = tokens_->Create(As("mats"), {"ci", Role::kIsmsManager, 1h});
    EXPECT_TRUE(tokens_->Authenticate(t.secret));
    accounts_->Grant(As("anna"), "mats", Role::kViewer);
    EXPECT_FALSE(tokens_->Authenticate(t.secret)) << "creator lost the role";
    accounts_->Grant(As("anna"), "mats", Role::kIsmsManager);
    EXPECT_TRUE(tokens_->Authenticate(t.secret));
    accounts_->SetDisabled(As("anna"), "mats", true);
    EXPECT_FALSE(tokens_->Authenticate(t.secret)) << "creator disabled";
    auto viewer = tokens_->Create(As("anna"), {"read", Role::kViewer, 1h});
    auto vctx = tokens_->Authenticate(viewer.secret);
    EXPECT_EQ(CodeOf([&] { tokens_->Create(*vctx, {"escalate", Role::kViewer, 1h}); }), ErrorCode::kForbidden);
}

// Two services on one store stand for two servers sharing a database: each caches what it authenticated
// (principal_cache.hpp). A change made through either one, or through any other writer, is seen by the other on
// its next call; bookkeeping (last use, last seen) is written at most once a minute and does not empty caches.
TEST_P(AuthTest, CachedCredentialsFollowEveryChangeMadeElsewhere) {
    auto clock = [this] { return now_; };
    TokenService other_tokens(*store_, clock);
    SessionService other_sessions(*store_, *throttle_, clock);
    auto t = tokens_->Create(As("anna"), {"ci", Role::kViewer, 1h});
    Add(a_, "mats", Role::kIsmsManager);
    auto mt = tokens_->Create(As("mats"), {"mats-ci", Role::kIsmsManager, 1h});
    auto session = Login("mats");
    for (int i = 0; i < 3; ++i) {  // fill both caches
        EXPECT_TRUE(tokens_->Authenticate(t.secret));
        EXPECT_TRUE(other_tokens.Authenticate(t.secret));
        EXPECT_TRUE(other_tokens.Authenticate(mt.secret));
        EXPECT_TRUE(other_sessions.Authenticate(session.id));
    }
    auto head = store_->ChangeLogHead();
    EXPECT_EQ(head, store_->Read([](store::Db& db) { return store::ReadLogHead(db); }));
    EXPECT_GT(head.seq, 0);

    // Last use: recorded at the first use, then not again within the minute; never a change-log entry.
    auto last_used = [&] {
        return store_->Read([&](store::Db& db) {
            return db.QueryOne("SELECT last_used_at FROM api_tokens WHERE name = 'ci'")->Str(0);
        });
    };
    std::string first_use = last_used();
    EXPECT_FALSE(first_use.empty());
    now_ += 30s;
    EXPECT_TRUE(other_tokens.Authenticate(t.secret));
    EXPECT_EQ(last_used(), first_use) << "written more than once a minute";
    now_ += 31s;
    EXPECT_TRUE(other_tokens.Authenticate(t.secret));
    EXPECT_NE(last_used(), first_use) << "the last use is not recorded";
    EXPECT_EQ(store_->ChangeLogHead(), head) << "bookkeeping wrote to the change log";

    // Revoked through one service: the other refuses on its next call.
    tokens_->Revoke(As("anna"), "ci");
    EXPECT_NE(store_->ChangeLogHead(), head);
    EXPECT_FALSE(other_tokens.Authenticate(t.secret)) << "a cached token outlived its revocation";
    // The creator's role lowered, then the account disabled, through the accounts service (another writer).
    accounts_->Grant(As("anna"), "mats", Role::kViewer);
    EXPECT_FALSE(other_tokens.Authenticate(mt.secret)) << "a cached token outlived its creator's role";
    auto s = other_sessions.Authenticate(session.id);
    ASSERT_TRUE(s);
    EXPECT_EQ(accounts_->ContextFor(s->user, "", "x").role, Role::kViewer) << "a cached session kept the old role";
    accounts_->SetDisabled(As("anna"), "mats", true);
    EXPECT_FALSE(other_sessions.Authenticate(session.id)) << "a cached session outlived its disabled account";
}

TEST_P(AuthTest, ASessionRefreshedElsewhereIsNotIdleAndAnIdleOneEnds) {
    sessions_->SetPolicy({.idle = 4min, .absolute = 20min});
    auto clock = [this] { return now_; };
    SessionService other(*store_, *throttle_, clock);
    other.SetPolicy({.idle = 4min, .absolute = 20min});
    auto s = Login("anna");
    ASSERT_TRUE(other.Authenticate(s.id));  // cached by `other` with the sign-in time as last seen
    for (int i = 0; i < 3; ++i) {           // used through the first service only, refreshing last seen
        now_ += 2min;
        ASSERT_TRUE(sessions_->Authenticate(s.id)) << i;
    }
    // 6 minutes after `other` last saw it, 2 after the last use: alive (read again, not refused from the cache).
    now_ += 2min;
    EXPECT_TRUE(other.Authenticate(s.id));
    now_ += 5min;
    EXPECT_FALSE(other.Authenticate(s.id)) << "idle";
    EXPECT_FALSE(sessions_->Authenticate(s.id)) << "idle";
    auto fresh = Login("anna");
    for (int i = 0; i < 6; ++i) {
        now_ += 3min;
        ASSERT_TRUE(other.Authenticate(fresh.id)) << i;
    }
    now_ += 3min;
    EXPECT_FALSE(other.Authenticate(fresh.id)) << "past the absolute end (never idle)";
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthTest, ::testing::ValuesIn(store::testing_support::Backends()));

}  // namespace
}  // namespace isms::auth
