// Saved views: a named query over a framework's controls (where, sort, group-by, pivot, columns) that an
// organisation keeps so that each audience (SOC, top management, auditors) opens its own cut of the catalog
// with one name. Stored in the table `views`; every change is in the change log (entity "view").
//
// A view is validated against the framework's vocabulary when it is saved and again when it runs (an error
// then names the view). Names: 1–64 characters, lower-case letters, digits, '-', '_' and '.', starting with a
// letter or digit.
//
// Optimistic concurrency: every saved view has a version (its ETag in the API). Save and Delete take the
// version the caller last read (`if_version`) and fail with kPreconditionFailed when the view changed since,
// so that two people or two servers cannot silently overwrite each other's change. nullopt: unconditional.
//
// Permissions: listing, showing and running need kRead; saving and deleting need kViewsWrite.
// Thread-safety: as CatalogService.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/catalog/catalog.hpp"

namespace isms::catalog {

struct SavedView {
    std::string name;
    std::string framework = kIso27002;
    std::string description;  // optional, one line
    std::string where, sort, group_by, pivot, columns;
    std::string created_by, updated_at;  // set by the service
    int64_t version = 0;                 // set by the service: 1 when created, +1 with every change; the ETag
};

// Saved views, for `isms log verify` (store/state_check.hpp): each row against its last change-log entry.
store::LoggedTable ViewsLoggedTable();

class ViewService {
public:
    ViewService(store::Store& store, CatalogService& catalog) : store_(store), catalog_(catalog) {}

    std::vector<SavedView> List(const Context& ctx);
    std::optional<SavedView> Find(const Context& ctx, const std::string& name);
    // kNotFound naming the view and the existing ones.
    SavedView Get(const Context& ctx, const std::string& name);

    enum class SaveMode {
        kCreate,   // kConflict when the name exists
        kReplace,  // kNotFound when it does not
        kUpsert,   // either
    };
    // Validates and stores a view; returns it as stored. `created` (optional) tells whether it was new.
    // `if_version`: the version the caller read; kPreconditionFailed when the stored view has another one.
    SavedView Save(const Context& ctx, const SavedView& view, SaveMode mode, bool* created = nullptr,
                   std::optional<int64_t> if_version = std::nullopt);
    // kNotFound when there is no such view; kPreconditionFailed when `if_version` is not its version.
    void Delete(const Context& ctx, const std::string& name, std::optional<int64_t> if_version = std::nullopt);

    // Runs the view over the organisation's effective catalog.
    ControlList Run(const Context& ctx, const std::string& name);
    // Runs a view definition (used by Run and to validate before saving).
    ControlList Run(const Context& ctx, const SavedView& view);

private:
    store::Store& store_;
    CatalogService& catalog_;
};

}  // namespace isms::catalog
