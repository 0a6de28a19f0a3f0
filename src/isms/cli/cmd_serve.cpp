// isms serve
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <iostream>
#include <tuple>

#include "isms/api/server.hpp"
#include "isms/app/demo.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/cli/cli.hpp"
#include "isms/core/logging.hpp"

namespace isms::cli {

void RegisterServe(CLI::App& root, Globals& g) {
    auto* serve = root.add_subcommand("serve", "serve the HTTP API and the web application");
    static api::ServeOptions opts;
    static bool verbose = false;
    serve->add_option("--host", opts.host, "address to listen on")->capture_default_str();
    serve->add_option("--port,-p", opts.port, "port (0 = any free port, printed at start)")->capture_default_str();
    serve->add_option("--web-root", opts.web_root, "serve the web application from this folder (development)");
    serve->add_option("--tls-cert", opts.tls_cert, "PEM certificate: serve HTTPS");
    serve->add_option("--tls-key", opts.tls_key, "PEM private key for --tls-cert");
    serve->add_option("--max-body", opts.max_body, "largest request body in bytes")->capture_default_str();
    serve->add_option("--threads", opts.threads, "worker threads")->capture_default_str();
    static std::string session_idle = "30m", session_max = "12h";
    serve->add_option("--session-idle", session_idle, "a session ends after this long without use")->capture_default_str();
    serve->add_option("--session-max", session_max, "a session ends this long after sign-in")->capture_default_str();
    serve->add_flag("--behind-proxy", opts.trust_proxy,
                    "trust X-Forwarded-For/-Proto from a reverse proxy (only when nothing else can reach the port)");
    static std::string log_format = "json", log_level = "info";
    serve->add_flag("--verbose,-v", verbose, "log at debug level");
    serve->add_option("--log-format", log_format, "log lines on standard error: json (one object per line) or text")
        ->capture_default_str();
    serve->add_option("--log-level", log_level, "debug, info (every request), warn or error")->capture_default_str();
    serve->callback([&g] {
        logging::Configure(logging::ParseFormat(log_format),
                           verbose ? logging::Level::kDebug : logging::ParseLevel(log_level));
        if (g.ActingAsUser()) throw Error::Forbidden("serve is for the local operator (drop --token/--as)");
        auth::SessionPolicy policy;
        for (auto [text, target, name] : {std::tuple{&session_idle, &policy.idle, "--session-idle"},
                                          std::tuple{&session_max, &policy.absolute, "--session-max"}}) {
            auto d = time::ParseDuration(*text);
            if (!d) throw Error::InvalidInput(fmt::format("{} '{}' is not a duration (e.g. 30m, 12h)", name, *text));
            *target = *d;
        }
        auto app = OpenApp(g);
        app->sessions().SetPolicy(policy);
        api::Server server(*app, opts);
        int port = server.Bind();
        std::string scheme = opts.tls_cert.empty() ? "http" : "https";
        std::cout << fmt::format("isms serving {} on {}://{}:{}/", app->store().Describe(), scheme, opts.host, port)
                  << std::endl;
        // Only a store marked as the demo has well-known passwords; nothing is printed for any other store.
        auto demo = app::DemoCredentials(*app);
        if (!demo.empty()) {
            std::cout << "demo store: sign in as one of these accounts (demo passwords, for trying isms only)\n";
            for (const auto& a : demo)
                std::cout << fmt::format("  {:<7} {:<24} {}\n", a.username, a.password, RoleName(a.role));
            std::cout << std::flush;
        }
        logging::Event(logging::Level::kInfo, "listening",
                       {{"url", fmt::format("{}://{}:{}/", scheme, opts.host, port)},
                        {"database", app->store().Describe()},
                        {"schema_version", app->store().SchemaVersion()},
                        {"version", ISMS_VERSION},
                        {"pid", static_cast<int64_t>(::getpid())}});
        server.Run();
        logging::Event(logging::Level::kInfo, "stopped", Json::object());
        std::cout << "isms stopped" << std::endl;
    });
}

}  // namespace isms::cli
