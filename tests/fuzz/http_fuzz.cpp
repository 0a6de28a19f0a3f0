// Fuzzes HTTP request handling: api::Server::Dispatch (routing, authentication with and without a session,
// CSRF token or API token, organisation selection, JSON body parsing, every handler) over a real SQLite store
// holding the demo organisation. Properties checked: Dispatch never throws and never answers 500 (an
// unexpected exception); every answer has a valid status, and errors are problem+json.
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "isms/api/server.hpp"
#include "isms/app/demo.hpp"
#include "isms/auth/password.hpp"
#include "isms/core/error.hpp"

using namespace isms;

namespace {

struct World {
    std::unique_ptr<app::App> app;
    std::unique_ptr<api::Server> server;
    std::string session, csrf, token;
};

World& TheWorld() {
    static World* w = [] {
        auth::SetHashCost(auth::HashCost::kMinimumForTests);
        auto dir = std::filesystem::temp_directory_path() / ("isms-fuzz-http-" + std::to_string(getpid()));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        static std::filesystem::path to_remove = dir;  // the store goes when the process ends normally
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(to_remove, ec);
        });
        auto* world = new World;
        world->app = std::make_unique<app::App>(app::AppOptions{.db_url = (dir / "fuzz.db").string(), .create = true});
        auto org = app::SeedDemo(*world->app);
        world->server = std::make_unique<api::Server>(*world->app, api::ServeOptions{});
        auto created = world->app->tokens().Create(Context::System(org.id), {"fuzz", Role::kContributor, std::nullopt});
        world->token = created.secret;
        return world;
    }();
    return *w;
}

// A live session of the demo administrator (signs in again when the fuzzer ended or disabled it).
void EnsureSession(World& w) {
    if (!w.session.empty() && w.app->sessions().Authenticate(w.session)) return;
    w.session.clear();
    try {
        auto s = w.app->sessions().Login({"mikael", "kvarnberg-administrator", "", "127.0.0.1", "fuzz"});
        w.session = s.id;
        w.csrf = s.csrf_token;
    } catch (const Error&) {
        // The fuzzer changed the password or locked the account: carry on without a session.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    World& w = TheWorld();
    FuzzedDataProvider in(data, size);
    api::Request req;
    static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    req.method = in.PickValueInArray(kMethods);
    const auto& routes = w.server->router().routes();
    if (!routes.empty() && in.ConsumeBool()) {
        // A real route's pattern with fuzzed parameter values.
        const auto& route = routes[in.ConsumeIntegralInRange<size_t>(0, routes.size() - 1)];
        req.method = in.ConsumeBool() ? route.method : req.method;
        for (const auto& seg : route.segments) {
            req.path += "/";
            req.path += seg.size() > 2 && seg.front() == '{' ? in.ConsumeRandomLengthString(64) : seg;
        }
    } else {
        req.path = "/api/v1/" + in.ConsumeRandomLengthString(128);
    }
    switch (in.ConsumeIntegralInRange(0, 4)) {
        case 0: break;
        case 1:
            EnsureSession(w);
            req.headers["cookie"] = "isms_session=" + w.session;
            req.headers["x-csrf-token"] = w.csrf;
            break;
        case 2:
            EnsureSession(w);
            req.headers["cookie"] = "isms_session=" + w.session;
            break;
        case 3: req.headers["authorization"] = "Bearer " + w.token; break;
        case 4: req.headers["authorization"] = in.ConsumeRandomLengthString(80); break;
    }
    if (in.ConsumeBool()) req.headers["x-isms-org"] = in.ConsumeBool() ? "kvarnberg" : in.ConsumeRandomLengthString(32);
    req.headers["content-type"] = in.ConsumeBool() ? "application/json" : in.ConsumeRandomLengthString(32);
    if (in.ConsumeBool()) req.query.emplace(in.ConsumeRandomLengthString(16), in.ConsumeRandomLengthString(64));
    req.remote_addr = "192.0.2.1";
    req.body = in.ConsumeRemainingBytesAsString();

    api::Response res = w.server->Dispatch(req);
    if (res.status < 100 || res.status > 599) std::abort();
    if (res.status == 500) std::abort();  // an exception Dispatch did not expect: a defect
    if (res.status >= 400 && res.content_type != "application/problem+json") std::abort();
    return 0;
}
