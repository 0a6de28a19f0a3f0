// Fuzzes the attribute query language (isms/catalog/query.hpp). Properties checked: Parse either succeeds or
// throws Error kInvalidInput (never another error, never a crash); what parses renders (ToString) to text that
// parses again to the same rendering.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "isms/catalog/query.hpp"
#include "isms/core/error.hpp"

using namespace isms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    catalog::query::Expr e;
    try {
        e = catalog::query::Parse(text);
    } catch (const Error& err) {
        if (err.code() != ErrorCode::kInvalidInput) std::abort();
        return 0;
    }
    // Outside the try: a rendering that does not parse again is a crash for libFuzzer.
    std::string rendered = catalog::query::ToString(e);
    std::string again = catalog::query::ToString(catalog::query::Parse(rendered));
    if (again != rendered) std::abort();
    return 0;
}
