#include "isms/api/authenticate.hpp"

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"

namespace isms::api {

namespace {

bool IsSafeMethod(const std::string& m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    size_t b = 0;
    while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
    return s.substr(b);
}

}  // namespace

std::optional<std::string> SessionIdFromCookie(const Request& req) {
    const std::string name = req.secure ? kSecureSessionCookie : kSessionCookie;
    std::string header = req.Header("cookie");
    size_t i = 0;
    while (i < header.size()) {
        size_t j = header.find(';', i);
        if (j == std::string::npos) j = header.size();
        std::string pair = Trim(header.substr(i, j - i));
        i = j + 1;
        auto eq = pair.find('=');
        if (eq == std::string::npos) continue;
        if (Trim(pair.substr(0, eq)) == name) return Trim(pair.substr(eq + 1));
    }
    return std::nullopt;
}

std::string SessionCookie(const Request& req, const std::string& session_id) {
    // No Max-Age: the browser forgets the cookie when it closes; the server enforces idle and absolute limits.
    std::string c = std::string(req.secure ? kSecureSessionCookie : kSessionCookie) + "=" + session_id +
                    "; Path=/; HttpOnly; SameSite=Strict";
    if (req.secure) c += "; Secure";
    return c;
}

std::string ClearedSessionCookie(const Request& req) {
    std::string c = std::string(req.secure ? kSecureSessionCookie : kSessionCookie) +
                    "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
    if (req.secure) c += "; Secure";
    return c;
}

void ApplyProxyHeaders(Request& req) {
    std::string xff = req.Header("x-forwarded-for");
    if (!xff.empty()) {
        auto comma = xff.rfind(',');
        std::string last = Trim(comma == std::string::npos ? xff : xff.substr(comma + 1));
        if (!last.empty() && last.size() <= 64) req.remote_addr = last;
    }
    std::string proto = req.Header("x-forwarded-proto");
    if (!proto.empty()) req.secure = proto == "https";
}

void Authenticate(app::App& app, Request& req) {
    const std::string request_id = req.ctx.request_id;
    const std::string org = req.Header("x-isms-org");
    std::string authz = req.Header("authorization");
    if (!authz.empty()) {
        if (authz.size() < 8 || authz.compare(0, 7, "Bearer ") != 0)
            throw Error::Unauthenticated("the Authorization header must be 'Bearer <API token>'");
        auto ctx = app.tokens().Authenticate(Trim(authz.substr(7)), org);
        if (!ctx) throw Error::Unauthenticated("the API token is not valid (unknown, expired or revoked)");
        req.ctx = *ctx;
        req.ctx.request_id = request_id;
        return;
    }
    auto sid = SessionIdFromCookie(req);
    if (!sid)
        throw Error::Unauthenticated("sign in first (POST /api/v1/auth/login) or send 'Authorization: Bearer <API "
                                     "token>'");
    auto session = app.sessions().Authenticate(*sid);
    if (!session) throw Error::Unauthenticated("the session has ended (signed out, idle or expired): sign in again");
    if (!IsSafeMethod(req.method)) {
        // Double submit: the token is derived from the session id, which only the cookie holder knows.
        std::string csrf = req.Header("x-csrf-token");
        if (csrf.empty() || !crypto::ConstantTimeEquals(csrf, session->csrf_token))
            throw Error::Forbidden("a request that changes something needs the session's X-CSRF-Token header (from "
                                   "the sign-in response or GET /api/v1/auth/me)");
    }
    req.ctx = app.accounts().ContextFor(session->user, org, "user:" + session->user.username);
    req.ctx.request_id = request_id;
}

}  // namespace isms::api
