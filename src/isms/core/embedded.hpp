// Files compiled into the binary at build time (reference data, migrations, web assets).
//
// A CMake call isms_embed(TARGET NAME BASE_DIR FILES…) generates the function isms_embedded_NAME(); code
// that uses it declares it with ISMS_DECLARE_EMBEDDED(NAME) at namespace scope. The data lives for the
// whole program; the views never dangle. Thread-safe (read-only).
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace isms::embedded {

struct File {
    std::string_view path;  // relative to the embed call's BASE_DIR, with '/' separators
    std::string_view data;
};

// Returns the file with exactly this path, or nullopt.
inline std::optional<std::string_view> Find(std::span<const File> files, std::string_view path) {
    for (const auto& f : files)
        if (f.path == path) return f.data;
    return std::nullopt;
}

}  // namespace isms::embedded

#define ISMS_DECLARE_EMBEDDED(NAME) std::span<const isms::embedded::File> isms_embedded_##NAME();
