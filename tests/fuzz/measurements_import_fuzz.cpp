// Fuzzes the measurements importer of the evaluation module (MetricService::ImportCsv,
// isms/evaluation/metrics.hpp) over a real SQLite store with the demo organisation and its metrics MET-1 …
// MET-6. The first line of an input is the metric id to import into ("" = the file's `metric` column); the rest
// is the CSV. Property: import_world.hpp.
#include "isms/evaluation/metrics.hpp"
#include "import_world.hpp"

using namespace isms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& w = fuzz::TheImportWorld("measurements");
    auto [metric, text] = fuzz::SplitFirstLine(data, size);
    fuzz::CheckImport(w, [&, &metric = metric, &text = text] { w.app->metrics().ImportCsv(w.ctx, metric, text); });
    return 0;
}
