// Fuzzes the risk importer (RisksFromCsv / RisksFromJson + RiskRegister::CreateMany, isms/risk/register.hpp)
// over a real SQLite store with the demo organisation (its assets, persons, threats, vulnerabilities, controls
// and risk criteria). The first line of an input is "csv" or "json"; the rest is the file. Property:
// import_world.hpp.
#include "isms/risk/register.hpp"
#include "import_world.hpp"

using namespace isms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& w = fuzz::TheImportWorld("risk");
    auto [how, text] = fuzz::SplitFirstLine(data, size);
    fuzz::CheckImport(w, [&, &how = how, &text = text] {
        auto items = how == "json" ? risk::RisksFromJson(text) : risk::RisksFromCsv(text);
        w.app->risks().CreateMany(w.ctx, items);
    });
    return 0;
}
