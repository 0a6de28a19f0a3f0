// Fuzzes the CSV reader (isms/io/csv.hpp). Properties checked: ParseCsv either succeeds or throws Error
// kInvalidInput; on success every record has the header's width, line numbers grow, and every field is valid
// UTF-8.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "isms/core/error.hpp"
#include "isms/io/csv.hpp"

using namespace isms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    io::CsvDocument doc;
    try {
        doc = io::ParseCsv(text);
    } catch (const Error& err) {
        if (err.code() != ErrorCode::kInvalidInput) std::abort();
        return 0;
    }
    if (doc.header.empty()) std::abort();
    int last_line = 0;
    for (const auto& r : doc.records) {
        if (r.fields.size() != doc.header.size()) std::abort();
        if (r.line <= last_line) std::abort();
        last_line = r.line;
        for (const auto& f : r.fields)
            if (!io::IsValidUtf8(f)) std::abort();
    }
    for (size_t i = 0; i < doc.header.size(); ++i)
        if (doc.Column(doc.header[i]) != static_cast<int>(i)) std::abort();
    return 0;
}
