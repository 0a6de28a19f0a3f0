// Organisations: the tenants of an installation. Every ISMS record belongs to exactly one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/store/store.hpp"

namespace isms::org {

struct Organisation {
    std::string id;
    std::string slug;  // short name used on the command line and in URLs: lower-case letters, digits, '-'
    std::string name;
    std::string created_at;
};

class OrganisationService {
public:
    explicit OrganisationService(store::Store& store) : store_(store) {}

    // Creates an organisation. The slug is derived from the name when empty. Throws kInvalidInput for an
    // empty name or malformed slug, kConflict when the slug is taken.
    Organisation Create(const Context& ctx, const std::string& name, std::string slug = {});
    std::vector<Organisation> List();
    std::optional<Organisation> FindBySlugOrId(const std::string& key);
    // The organisation a command means: `key` when given (slug or id), else the only one there is.
    // Throws kNotFound when it does not exist, kInvalidInput when several exist and none was named.
    Organisation Resolve(const std::string& key);

    static std::string SlugFromName(const std::string& name);

private:
    store::Store& store_;
};

}  // namespace isms::org
