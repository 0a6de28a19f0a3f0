// Test support for the risk and SoA tests: the Annex A controls read from the project's reference data
// (data/iso27001-2022/controls.csv, for the pure tests), and for store tests the real catalog and real person,
// role and asset records (through the records module) for an organisation:
//   P-1 Anna Berg (user anna), P-2 Erik Lund (user erik, holds the top-management role ROL-TM), P-3 Sara Ek
//   (user sara); assets AS-1 Payroll database and AS-2 Customer portal (owned by P-1).
#pragma once

#include <fstream>
#include <sstream>

#include "isms/catalog/catalog.hpp"
#include "isms/catalog/reference_data.hpp"
#include "isms/io/csv.hpp"
#include "isms/records/service.hpp"
#include "isms/risk/directory.hpp"
#include "isms/risk/records_directory.hpp"

namespace isms::risk::testing_support {

inline std::vector<AnnexAControl> LoadAnnexA() {
    std::ifstream in(std::string(ISMS_SOURCE_DIR) + "/data/iso27001-2022/controls.csv");
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = io::ParseCsv(ss.str());
    std::vector<AnnexAControl> out;
    for (const auto& r : doc.records) {
        AnnexAControl c;
        c.id = r.fields[doc.Column("id")];
        c.title = r.fields[doc.Column("title")];
        c.theme = r.fields[doc.Column("theme")];
        for (const char* family : {"control_type", "security_properties", "cybersecurity_concepts",
                                   "operational_capabilities", "security_domains"}) {
            std::vector<std::string> values;
            std::stringstream vs(r.fields[doc.Column(family)]);
            for (std::string v; std::getline(vs, v, ';');) values.push_back(v);
            c.attributes[family] = values;
        }
        out.push_back(std::move(c));
    }
    return out;
}

// The catalog (built-in reference data loaded) and the records module on a test store, with the people and
// assets above created by Seed(org_id).
class RecordsFixture {
public:
    explicit RecordsFixture(store::Store& store)
        : types_(records::TypeRegistry::Builtin()), service_(store, types_), directory_(service_), catalog_(store) {
        catalog::EnsureReferenceData(store);
    }

    void Seed(const std::string& org_id) {
        Context ctx = Context::System(org_id);
        service_.Create(ctx, "role",
                        {{"name", "Managing director"}, {"responsibilities", "Directs the company"},
                         {"top_management", true}},
                        "ROL-TM");
        service_.Create(ctx, "person", {{"name", "Anna Berg"}, {"email", "anna@example.se"}, {"username", "anna"}},
                        "P-1");
        service_.Create(ctx, "person",
                        {{"name", "Erik Lund"}, {"email", "erik@example.se"}, {"username", "erik"},
                         {"roles", {"ROL-TM"}}},
                        "P-2");
        service_.Create(ctx, "person", {{"name", "Sara Ek"}, {"email", "sara@example.se"}, {"username", "sara"}},
                        "P-3");
        service_.Create(ctx, "asset", {{"name", "Payroll database"}, {"asset_type", "information"}, {"owner", "P-1"}},
                        "AS-1");
        service_.Create(ctx, "asset", {{"name", "Customer portal"}, {"asset_type", "service"}, {"owner", "P-1"}},
                        "AS-2");
    }

    records::RecordService& service() { return service_; }
    RecordsDirectory& directory() { return directory_; }
    catalog::CatalogService& catalog() { return catalog_; }

private:
    records::TypeRegistry types_;
    records::RecordService service_;
    RecordsDirectory directory_;
    catalog::CatalogService catalog_;
};

}  // namespace isms::risk::testing_support
