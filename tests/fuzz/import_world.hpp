// Shared by the importer fuzz targets: one App over a real SQLite store (in the temporary folder, per process)
// holding the demo organisation, and the property every import must keep: it either succeeds or throws an
// isms::Error that describes bad input (kInvalidInput, kNotFound, kConflict) — never kInternal, never another
// exception type, never a crash — and a refused import writes nothing (the change log's head is unchanged).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "isms/app/app.hpp"
#include "isms/app/demo.hpp"
#include "isms/auth/password.hpp"
#include "isms/core/error.hpp"

namespace isms::fuzz {

struct ImportWorld {
    std::unique_ptr<app::App> app;
    Context ctx;  // the local operator in the demo organisation
};

inline ImportWorld& TheImportWorld(const char* name) {
    static ImportWorld* w = [name] {
        auth::SetHashCost(auth::HashCost::kMinimumForTests);
        auto dir = std::filesystem::temp_directory_path() /
                   ("isms-fuzz-" + std::string(name) + "-" + std::to_string(getpid()));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        static std::filesystem::path to_remove = dir;  // the store goes when the process ends normally
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(to_remove, ec);
        });
        auto* world = new ImportWorld;
        world->app = std::make_unique<app::App>(app::AppOptions{.db_url = (dir / "fuzz.db").string(), .create = true});
        auto org = app::SeedDemo(*world->app);
        world->ctx = Context::System(org.id);
        return world;
    }();
    return *w;
}

// Splits "first line\nrest" (the rest is the file being imported; the first line chooses how).
inline std::pair<std::string, std::string_view> SplitFirstLine(const uint8_t* data, size_t size) {
    std::string_view all(reinterpret_cast<const char*>(data), size);
    auto nl = all.find('\n');
    if (nl == std::string_view::npos) return {std::string(all.substr(0, 64)), std::string_view()};
    return {std::string(all.substr(0, std::min<size_t>(nl, 64))), all.substr(nl + 1)};
}

// Runs one import and checks the property above; aborts (a finding) when it does not hold.
template <class F>
void CheckImport(ImportWorld& w, F&& import) {
    auto before = w.app->store().ChangeLogHead();
    try {
        import();
    } catch (const Error& e) {
        bool input_error = e.code() == ErrorCode::kInvalidInput || e.code() == ErrorCode::kNotFound ||
                           e.code() == ErrorCode::kConflict;
        if (!input_error) {
            std::fprintf(stderr, "import failed with an error that is not about the input: %s\n", e.what());
            std::abort();
        }
        if (std::string(e.what()).empty()) {
            std::fprintf(stderr, "import refused without a message\n");
            std::abort();
        }
        if (!(w.app->store().ChangeLogHead() == before)) {
            std::fprintf(stderr, "a refused import wrote to the store: %s\n", e.what());
            std::abort();
        }
    }
}

}  // namespace isms::fuzz
