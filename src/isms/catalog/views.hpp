// Saved views: a named query over a framework's controls (where, sort, group-by, pivot, columns) that an
// organisation keeps so that each audience (SOC, top management, auditors) opens its own cut of the catalog
// with one name. Stored in the table `views`; every change is in the change log (entity "view").
//
// A view is validated against the framework's vocabulary when it is saved and again when it runs (an error
// then names the view). Names: 1–64 characters, lower-case letters, digits, '-', '_' and '.', starting with a
// letter or digit.
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
};

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
    SavedView Save(const Context& ctx, const SavedView& view, SaveMode mode, bool* created = nullptr);
    // kNotFound when there is no such view.
    void Delete(const Context& ctx, const std::string& name);

    // Runs the view over the organisation's effective catalog.
    ControlList Run(const Context& ctx, const std::string& name);
    // Runs a view definition (used by Run and to validate before saving).
    ControlList Run(const Context& ctx, const SavedView& view);

private:
    store::Store& store_;
    CatalogService& catalog_;
};

}  // namespace isms::catalog
