#include "isms/app/app.hpp"

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
    EnsureReferenceData();
}

App::~App() = default;

void App::EnsureReferenceData() {}

}  // namespace isms::app
