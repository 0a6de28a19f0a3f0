#include "isms/api/server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "isms/api/authenticate.hpp"
#include "isms/api/routes.hpp"
#include "isms/api/web_assets.hpp"
#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/logging.hpp"

namespace isms::api {

namespace {

void AddSecurityHeaders(httplib::Response& res, bool secure) {
    if (secure) res.set_header("Strict-Transport-Security", "max-age=31536000");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cross-Origin-Opener-Policy", "same-origin");
    res.set_header("Cross-Origin-Resource-Policy", "same-origin");
    res.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                   "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'");
}

std::string ContentType(const std::string& path) {
    auto ext = std::filesystem::path(path).extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".json") return "application/json";
    if (ext == ".woff2") return "font/woff2";
    return "application/octet-stream";
}

// A caller's X-Request-Id is kept when it is short and plain (it ends up in logs); otherwise a new one.
std::string RequestId(const std::string& given) {
    bool plain = !given.empty() && given.size() <= 64;
    for (char c : given)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')) plain = false;
    return plain ? given : crypto::RandomHex(8);
}

// The access log: one event per request (see isms/core/logging.hpp).
void LogRequest(const std::string& rid, const std::string& method, const std::string& path, int status,
                std::chrono::steady_clock::time_point started, const std::string& remote, const Context* ctx) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    Json f = {{"request_id", rid},
              {"method", method},
              {"path", path},
              {"status", status},
              {"duration_ms", std::round(ms * 100) / 100},
              {"remote", remote}};
    if (ctx) {
        f["actor"] = ctx->actor;
        f["org"] = ctx->org_id;
    }
    logging::Event(status >= 500 ? logging::Level::kError : logging::Level::kInfo, "request", f);
}

}  // namespace

struct Server::Impl {
    std::unique_ptr<httplib::Server> http;
    socket_t listen_socket = INVALID_SOCKET;  // the socket bound last (the listening one after Bind)
};

Server::Server(app::App& app, ServeOptions options)
    : app_(app), options_(std::move(options)), impl_(std::make_unique<Impl>()) {
    RegisterAllRoutes(router_, app_);
    authenticate_ = [this](Request& req) { Authenticate(app_, req); };
}

Server::~Server() = default;

Response Server::Problem(const std::exception& ex, const std::string& instance, int status_override) {
    Json p;
    int status = 500;
    std::string code = "internal";
    std::string detail = ex.what();
    Json errors = Json::array();
    if (auto* e = dynamic_cast<const Error*>(&ex)) {
        status = HttpStatus(e->code());
        code = std::string(ErrorCodeName(e->code()));
        for (const auto& d : e->details()) {
            Json dj = {{"field", d.field}, {"message", d.message}};
            if (!d.allowed.empty()) dj["allowed"] = d.allowed;
            if (d.line) dj["line"] = d.line;
            if (d.column) dj["column"] = d.column;
            errors.push_back(dj);
        }
    } else {
        spdlog::error("unexpected exception at {}: {}", instance, ex.what());
        detail = "an unexpected error occurred; it has been logged";
    }
    if (status_override) status = status_override;
    static const std::map<int, std::string> kTitles = {
        {400, "Bad request"}, {401, "Authentication required"}, {403, "Forbidden"},
        {404, "Not found"},   {405, "Method not allowed"}, {409, "Conflict"},               {412, "Precondition failed"},
        {413, "Too large"},   {429, "Too many requests"},       {500, "Internal error"},
        {503, "Unavailable"},
    };
    p["type"] = "urn:isms:problem:" + code;
    p["title"] = kTitles.count(status) ? kTitles.at(status) : "Error";
    p["status"] = status;
    p["detail"] = detail;
    p["code"] = code;
    p["instance"] = instance;
    if (!errors.empty()) p["errors"] = errors;
    Response r = Response::FromJson(p, status);
    r.content_type = "application/problem+json";
    return r;
}

Response Server::Dispatch(Request& req) {
    try {
        std::vector<std::string> allowed;
        auto match = router_.Find(req.method, req.path, &allowed);
        if (!match) {
            if (!allowed.empty()) {
                std::string allow;
                for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
                Response r = Problem(Error(ErrorCode::kInvalidInput, req.method + " is not allowed here; use " + allow),
                                     req.path, 405);
                r.headers.emplace_back("Allow", allow);
                return r;
            }
            throw Error::NotFound("no such API route: " + req.path);
        }
        req.path_params = match->params;
        if (match->route->doc.authenticated) authenticate_(req);
        return match->route->handler(req);
    } catch (const std::exception& ex) {
        Response r = Problem(ex, req.path);
        if (auto* e = dynamic_cast<const Error*>(&ex)) {
            if (e->code() == ErrorCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"isms\"");
            for (const auto& d : e->details())
                if (e->code() == ErrorCode::kRateLimited && d.field == "retry_after")
                    r.headers.emplace_back("Retry-After", d.message);
        }
        return r;
    }
}

int Server::Bind() {
    if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
        if (options_.tls_cert.empty() || options_.tls_key.empty())
            throw Error::InvalidInput("HTTPS needs both --tls-cert and --tls-key");
        for (const auto& f : {options_.tls_cert, options_.tls_key})
            if (!std::filesystem::exists(f)) throw Error::NotFound("TLS file not found: " + f);
        auto s = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
        if (!s->is_valid()) throw Error::InvalidInput("the TLS certificate or key cannot be loaded");
        impl_->http = std::move(s);
    } else {
        impl_->http = std::make_unique<httplib::Server>();
    }
    auto& http = *impl_->http;
    int threads = options_.threads;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_payload_max_length(options_.max_body);
    // SO_REUSEADDR only: cpp-httplib also sets SO_REUSEPORT by default, which lets a second server bind the
    // same port and silently share its connections instead of failing with "in use".
    // TCP_NODELAY: a response is written in several pieces (headers, body); with Nagle's algorithm the
    // second waits for the client's delayed ACK, about 40 ms per request on keep-alive connections.
    http.set_tcp_nodelay(true);
    http.set_socket_options([impl = impl_.get()](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof(yes));
        impl->listen_socket = sock;
    });
    http.set_keep_alive_max_count(1000);
    http.set_read_timeout(30);
    http.set_write_timeout(30);

    const bool tls = !options_.tls_cert.empty();
    auto api = [this, tls](const httplib::Request& hreq, httplib::Response& hres) {
        auto started = std::chrono::steady_clock::now();
        Request req;
        req.method = hreq.method;
        req.path = hreq.path;
        req.body = hreq.body;
        req.remote_addr = hreq.remote_addr;
        req.secure = tls;
        for (const auto& [k, v] : hreq.params) req.query.emplace(k, v);
        for (const auto& [k, v] : hreq.headers) {
            std::string lk = k;
            std::transform(lk.begin(), lk.end(), lk.begin(), ::tolower);
            req.headers[lk] = v;
        }
        if (options_.trust_proxy) ApplyProxyHeaders(req);
        std::string rid = RequestId(req.Header("x-request-id"));
        req.ctx.request_id = rid;
        Response res = Dispatch(req);
        hres.status = res.status;
        for (const auto& [k, v] : res.headers) hres.set_header(k, v);
        hres.set_header("X-Request-Id", rid);
        hres.set_header("Cache-Control", "no-store");
        AddSecurityHeaders(hres, req.secure);
        if (res.status != 204) hres.set_content(res.body, res.content_type);
        LogRequest(rid, req.method, req.path, res.status, started, req.remote_addr, &req.ctx);
    };
    const char* pattern = R"(/api/.*)";
    http.Get(pattern, api);
    http.Post(pattern, api);
    http.Put(pattern, api);
    http.Patch(pattern, api);
    http.Delete(pattern, api);
    http.Options(pattern, api);

    // The web application: static files, with index.html for client-side routes.
    auto web_file = [this, tls](const httplib::Request& hreq, httplib::Response& hres) {
        std::string path = hreq.path == "/" ? "/index.html" : hreq.path;
        if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos || path.find('\0') != std::string::npos) {
            hres.status = 404;
            return;
        }
        std::string rel = path.substr(1);
        std::optional<std::string> body;
        if (!options_.web_root.empty()) {
            auto full = std::filesystem::path(options_.web_root) / rel;
            if (std::filesystem::is_regular_file(full)) {
                std::ifstream in(full, std::ios::binary);
                body = std::string(std::istreambuf_iterator<char>(in), {});
            }
        } else if (auto f = FindWebAsset(rel)) {
            body = std::string(*f);
        }
        bool spa_fallback = false;
        // A client-side route (no file extension, or a page navigation — routes may hold dotted ids such as
        // /catalog/5.15): hand out the application shell. Missing assets stay 404.
        bool navigation = hreq.get_header_value("Accept").find("text/html") != std::string::npos;
        if (!body && rel.rfind("assets/", 0) != 0 && (rel.find('.') == std::string::npos || navigation)) {
            spa_fallback = true;
            if (!options_.web_root.empty()) {
                std::ifstream in(std::filesystem::path(options_.web_root) / "index.html", std::ios::binary);
                if (in) body = std::string(std::istreambuf_iterator<char>(in), {});
            } else if (auto f = FindWebAsset("index.html")) {
                body = std::string(*f);
            }
            rel = "index.html";
        }
        bool secure = tls || (options_.trust_proxy && hreq.get_header_value("X-Forwarded-Proto") == "https");
        AddSecurityHeaders(hres, secure);
        if (!body) {
            if (hreq.path == "/" || spa_fallback) {
                hres.set_content("<!doctype html><title>isms</title><p>isms is running. The API is at "
                                 "<a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.",
                                 "text/html; charset=utf-8");
                return;
            }
            hres.status = 404;
            hres.set_content("not found", "text/plain");
            return;
        }
        if (rel.rfind("assets/", 0) == 0) {
            hres.set_header("Cache-Control", "public, max-age=31536000, immutable");
        } else {
            hres.set_header("Cache-Control", "no-cache");
        }
        hres.set_content(*body, ContentType(rel));
    };
    auto web = [web_file](const httplib::Request& hreq, httplib::Response& hres) {
        auto started = std::chrono::steady_clock::now();
        std::string rid = RequestId(hreq.get_header_value("X-Request-Id"));
        web_file(hreq, hres);
        hres.set_header("X-Request-Id", rid);
        LogRequest(rid, hreq.method, hreq.path, hres.status < 0 ? 200 : hres.status, started, hreq.remote_addr, nullptr);
    };
    http.Get(R"(/.*)", web);

    if (options_.port == 0) {
        port_ = http.bind_to_any_port(options_.host);
        if (port_ <= 0) throw Error::Unavailable("cannot listen on " + options_.host);
    } else {
        if (!http.bind_to_port(options_.host, options_.port))
            throw Error::Unavailable(fmt::format("cannot listen on {}:{} (in use, or not permitted)", options_.host,
                                                 options_.port));
        port_ = options_.port;
    }
    // cpp-httplib listens with a backlog of 5: when many clients connect at once (a load balancer's pool, 128
    // browsers after a restart) the kernel drops their SYNs and they retry after one, then three seconds — a
    // latency tail of seconds and connection errors. Listening again on the bound socket raises the backlog.
    if (impl_->listen_socket != INVALID_SOCKET) ::listen(impl_->listen_socket, SOMAXCONN);
    return port_;
}

void Server::Run(bool handle_signals) {
    if (!impl_->http) Bind();
    std::thread waiter;
    std::atomic<bool> done{false};
    if (handle_signals) {
        // Block the signals in every thread (the pool is created later and inherits the mask); one thread
        // waits for them and stops the server, which finishes the requests in flight.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        waiter = std::thread([this, set, &done] {
            int sig = 0;
            sigwait(&set, &sig);
            if (done) return;
            logging::Event(logging::Level::kInfo, "stopping: finishing requests in flight",
                           {{"signal", sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : std::to_string(sig)}});
            impl_->http->stop();
        });
    }
    impl_->http->listen_after_bind();
    done = true;
    if (waiter.joinable()) {
        pthread_kill(waiter.native_handle(), SIGTERM);
        waiter.join();
    }
}

void Server::Stop() {
    if (impl_->http) impl_->http->stop();
}

void RegisterAllRoutes(Router& router, app::App& app) {
    RegisterSystemRoutes(router, app);
    RegisterOscalRoutes(router, app);
    RegisterQuantRoutes(router, app);
    RegisterCatalogRoutes(router, app);
    RegisterRecordRoutes(router, app);
    RegisterAuthRoutes(router, app);
    RegisterUserRoutes(router, app);
    RegisterRiskRoutes(router, app);
    RegisterSoaRoutes(router, app);
    RegisterEvaluationRoutes(router, app);
}

}  // namespace isms::api
