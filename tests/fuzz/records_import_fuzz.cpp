// Fuzzes the records importer (RecordService::Import, isms/records/service.hpp): CSV and JSON for every record
// type, over a real SQLite store with the demo organisation (so rows may name existing records, links and
// states). The first line of an input chooses "TYPE FORMAT" (e.g. "asset csv"; an unknown type picks one by
// the line's bytes); the rest is the file. Property: import_world.hpp.
#include <string>

#include "isms/records/service.hpp"
#include "import_world.hpp"

using namespace isms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& w = fuzz::TheImportWorld("records");
    auto [how, text] = fuzz::SplitFirstLine(data, size);
    const auto& types = w.app->records().types().types();
    auto space = how.find(' ');
    std::string type = how.substr(0, space);
    std::string format = space == std::string::npos ? "" : how.substr(space + 1);
    bool known = false;
    for (const auto& t : types) known = known || t.name == type;
    if (!known) {
        size_t h = 0;
        for (unsigned char c : how) h = h * 31 + c;
        type = types[h % types.size()].name;
    }
    auto fmt = format == "json" ? records::DataFormat::kJson : records::DataFormat::kCsv;
    fuzz::CheckImport(w, [&, &text = text] { w.app->records().Import(w.ctx, type, fmt, text); });
    return 0;
}
