// Test helpers: where the OSCAL fixtures are, and each large NIST file parsed once per test binary.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>

#include "isms/oscal/document.hpp"

namespace isms::oscal::testing {

inline std::filesystem::path DataDir() { return std::filesystem::path(ISMS_SOURCE_DIR) / "tests/data/oscal"; }
inline std::filesystem::path NistDir() { return DataDir() / "nist"; }

inline const Document& Cached(const std::filesystem::path& p) {
    static std::mutex mu;
    static std::map<std::string, Document> cache;
    std::lock_guard lock(mu);
    auto it = cache.find(p.string());
    if (it == cache.end()) it = cache.emplace(p.string(), ReadFile(p)).first;
    return it->second;
}

}  // namespace isms::oscal::testing
