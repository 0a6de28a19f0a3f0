#include "isms/app/app.hpp"

#include <cstdlib>

namespace isms::app {

App::App(const AppOptions& options) {
    store::OpenOptions so;
    so.create = options.create;
    so.pool_size = options.pool_size;
    store_ = store::Store::Open(options.db_url, so);
    if (options.create) {
        store_->Migrate();
    } else {
        store_->RequireCurrentSchema();
    }
    organisations_ = std::make_unique<org::OrganisationService>(*store_);
    std::vector<std::string> schema_dirs = options.record_schema_dirs;
    if (const char* env = std::getenv("ISMS_RECORD_SCHEMAS"); env && *env) {
        std::string dirs = env;
        for (size_t start = 0; start <= dirs.size();) {
            size_t end = dirs.find(':', start);
            if (end == std::string::npos) end = dirs.size();
            if (end > start) schema_dirs.push_back(dirs.substr(start, end - start));
            start = end + 1;
        }
    }
    record_types_ = std::make_unique<records::TypeRegistry>(records::TypeRegistry::Builtin(schema_dirs));
    records_ = std::make_unique<records::RecordService>(*store_, *record_types_);
    EnsureReferenceData();
}

App::~App() = default;

void App::EnsureReferenceData() {}

}  // namespace isms::app
