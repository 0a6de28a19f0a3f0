#include <gtest/gtest.h>

#include <string>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/records/schema.hpp"

namespace isms::records {
namespace {

const std::string kTestSchemas = std::string(ISMS_SOURCE_DIR) + "/tests/data/records/schemas";

std::string LoadError(const std::string& yaml) {
    try {
        TypeRegistry::ParseSchema("bad.yaml", yaml);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        return e.what();
    }
    return "(accepted)";
}

constexpr const char* kHead = "name: thing\ntitle_field: label\nfields:\n  - {name: label, type: text}\n";

TEST(SchemaTest, EveryBuiltinTypeLoads) {
    auto r = TypeRegistry::Builtin();
    for (const char* name : {"person", "role", "asset", "supplier", "legal_requirement", "context_issue",
                             "interested_party", "requirement", "scope_statement", "document", "objective",
                             "planned_change", "resource", "competence_requirement", "competence_evidence",
                             "awareness_campaign", "communication"})
        EXPECT_NE(r.Find(name), nullptr) << name;
    const auto& doc = r.Get("document");
    EXPECT_EQ(doc.workflow.initial, "draft");
    EXPECT_TRUE(doc.IsLocked("published"));
    EXPECT_FALSE(doc.IsLocked("draft"));
    EXPECT_TRUE(doc.acknowledgements.enabled);
    ASSERT_NE(doc.Field("owner"), nullptr);
    EXPECT_EQ(doc.Field("owner")->link_type, "person");
    ASSERT_NE(doc.FindTransition("approve"), nullptr);
    EXPECT_TRUE(doc.FindTransition("approve")->approval);
    EXPECT_EQ(doc.FindTransition("approve")->permission, Permission::kRecordsApprove);
    EXPECT_EQ(doc.FindTransition("approve")->by_field, "approver");
    // YAML anchors share one list of ISMS processes between the RACI columns.
    const auto& role = r.Get("role");
    EXPECT_EQ(role.Field("responsible_for")->values, role.Field("informed_of")->values);
    EXPECT_FALSE(role.Field("informed_of")->values.empty());
}

TEST(SchemaTest, UnknownTypeNamesTheKnownOnes) {
    auto r = TypeRegistry::Builtin();
    try {
        r.Get("asett");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kNotFound);
        EXPECT_NE(std::string(e.what()).find("asset"), std::string::npos);
    }
}

TEST(SchemaTest, MalformedSchemasAreRejectedNamingFileAndProblem) {
    struct Case {
        std::string yaml, expect;
    };
    std::vector<Case> cases = {
        {"name: thing\ntitle_field: label\nfields:\n  - {name: label, type: txt}\n", "unknown type 'txt'"},
        {"name: thing\ntitle_field: label\nfields:\n  - {name: label, type: text}\n  - {name: level, type: enum}\n",
         "enum field 'level' needs 'values'"},
        {std::string(kHead) + "workflow:\n  states: [a, b]\n  transitions:\n    - {name: go, from: a, to: c}\n",
         "unknown state 'c'"},
        {std::string(kHead) + "  - {name: label, type: number}\n", "duplicate field 'label'"},
        {std::string(kHead) + "  - {name: x, type: text, requried: true}\n", "unknown key 'requried'"},
        {std::string(kHead) + "  - {name: version, type: text}\n", "reserved"},
        {std::string(kHead) + "review:\n  interval: 12 months\n", "not an ISO 8601 period"},
        {std::string(kHead) + "  - {name: owner, type: link}\n", "needs 'to'"},
        {std::string(kHead) + "  - {name: xs, type: list}\n", "needs 'of'"},
        {std::string(kHead) + "  - {name: c, type: enum, values: [a, b], default: z}\n", "the default"},
        {std::string(kHead) + "workflow:\n  initial: z\n  states: [a]\n", "initial state 'z'"},
        {std::string(kHead) + "versioning:\n  locked_states: [nope]\n", "locked state 'nope'"},
        {std::string(kHead) + "list_columns: [label, colour]\n", "list column 'colour'"},
        {"name: thing\nfields:\n  - {name: label, type: text}\n", "title_field"},
        {"name: thing\ntitle_field: label\nfields: [\n", "not valid YAML"},
        {"name: Thing\ntitle_field: label\nfields:\n  - {name: label, type: text}\n", "lower_snake_case"},
        {std::string("permission: audit.writ\n") + kHead, "unknown permission 'audit.writ'"},
        {std::string(kHead) + "workflow:\n  states: [a, b]\n  transitions:\n    - {name: go, from: a, to: b, by: label}\n",
         "transition 'go' is made by 'label' has type text"},
        {std::string(kHead) + "workflow:\n  states: [a, b]\n  transitions:\n    - {name: go, from: a, to: b, by: who}\n",
         "transition 'go' is made by 'who' is not a field of thing"},
    };
    for (const auto& c : cases) {
        std::string msg = LoadError(c.yaml);
        EXPECT_NE(msg.find("bad.yaml"), std::string::npos) << msg;
        EXPECT_NE(msg.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in: " << msg;
    }
}

TEST(SchemaTest, ATypeMayNameItsWritePermission) {
    auto t = TypeRegistry::ParseSchema("audit.yaml", std::string("permission: audit.write\n") + kHead +
                                                         "workflow:\n  states: [a, b]\n  transitions:\n    - {name: "
                                                         "go, from: a, to: b}\n");
    EXPECT_EQ(t.write_permission, Permission::kAuditWrite);
    // Transitions without a permission of their own need the type's.
    EXPECT_EQ(TypeMetadata(t)["workflow"]["transitions"][0]["permission"], "audit.write");
    EXPECT_EQ(TypeMetadata(t)["write_permission"], "audit.write");
    EXPECT_EQ(TypeRegistry::Builtin().Get("audit").write_permission, Permission::kAuditWrite);
    EXPECT_EQ(TypeRegistry::Builtin().Get("asset").write_permission, Permission::kRecordsWrite);
}

TEST(SchemaTest, ErrorsCarryTheLine) {
    try {
        TypeRegistry::ParseSchema("bad.yaml", "name: thing\ntitle_field: label\nfields:\n  - name: label\n    type: "
                                              "strng\n");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.yaml line 5"), std::string::npos) << e.what();
        ASSERT_FALSE(e.details().empty());
        EXPECT_EQ(e.details()[0].line, 5);
        EXPECT_FALSE(e.details()[0].allowed.empty());  // the field types
    }
}

TEST(SchemaTest, LinkToUnknownTypeIsRejectedWhenTheRegistryIsFinished) {
    TypeRegistry r;
    r.Add(TypeRegistry::ParseSchema("a.yaml", std::string(kHead) + "  - {name: other, type: link, to: nowhere}\n"));
    try {
        r.Finish();
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("a.yaml"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("unknown record type 'nowhere'"), std::string::npos) << e.what();
    }
    // A person field needs the person type.
    TypeRegistry r2;
    r2.Add(TypeRegistry::ParseSchema("b.yaml", std::string(kHead) + "  - {name: owner, type: person}\n"));
    EXPECT_THROW(r2.Finish(), Error);
}

TEST(SchemaTest, DuplicateTypeNameIsRejected) {
    TypeRegistry r;
    r.Add(TypeRegistry::ParseSchema("a.yaml", kHead));
    EXPECT_THROW(r.Add(TypeRegistry::ParseSchema("b.yaml", kHead)), Error);
}

TEST(SchemaTest, TypeFromAFolderNeedsNothingElse) {
    auto r = TypeRegistry::Builtin({kTestSchemas});
    const auto* g = r.Find("test_gadget");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->id_prefix, "GAD");
    EXPECT_EQ(g->Field("parts")->link_type, "test_gadget");
    EXPECT_EQ(g->FindTransition("scrap")->from.size(), 4u);  // "*"
    EXPECT_THROW(TypeRegistry::Builtin({kTestSchemas + "/missing"}), Error);
}

TEST(SchemaTest, MetadataDescribesFormsAndTables) {
    auto r = TypeRegistry::Builtin();
    Json m = TypeMetadata(r.Get("asset"));
    EXPECT_EQ(m["name"], "asset");
    EXPECT_EQ(m["title_field"], "name");
    bool saw_owner = false;
    for (const auto& f : m["fields"])
        if (f["name"] == "owner") {
            saw_owner = true;
            EXPECT_EQ(f["type"], "person");
            EXPECT_EQ(f["to"], "person");
            EXPECT_EQ(f["required"], true);
        }
    EXPECT_TRUE(saw_owner);
    EXPECT_FALSE(m["workflow"]["transitions"].empty());
    EXPECT_EQ(m["review"]["interval"], "P12M");
    EXPECT_EQ(m["list_columns"][0], "id");
}

TEST(PeriodTest, ParsesAndAddsCalendarPeriods) {
    auto p = ParsePeriod("P12M");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->months, 12);
    auto d = [](const char* s) { return *time::ParseDate(s); };
    EXPECT_EQ(time::FormatDate(AddPeriod(d("2026-03-15"), *p)), "2027-03-15");
    EXPECT_EQ(time::FormatDate(AddPeriod(d("2026-01-31"), *ParsePeriod("P1M"))), "2026-02-28");
    EXPECT_EQ(time::FormatDate(AddPeriod(d("2024-02-29"), *ParsePeriod("P1Y"))), "2025-02-28");
    EXPECT_EQ(time::FormatDate(AddPeriod(d("2026-12-25"), *ParsePeriod("P2W"))), "2027-01-08");
    EXPECT_EQ(time::FormatDate(AddPeriod(d("2026-11-30"), *ParsePeriod("P1Y2M3D"))), "2028-02-02");
    for (const char* bad : {"12M", "P", "P0D", "PM", "P1H", "P-1M", "P12"}) EXPECT_FALSE(ParsePeriod(bad)) << bad;
}

}  // namespace
}  // namespace isms::records
