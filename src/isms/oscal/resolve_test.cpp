// Profile resolution: one small profile per rule of the specification (tests/data/oscal/resolve), and NIST's
// SP 800-53 rev5 baselines against their catalog.
#include "isms/oscal/resolve.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "isms/core/error.hpp"
#include "isms/oscal/test_files.hpp"
#include "isms/oscal/validate.hpp"

namespace isms::oscal {
namespace {

using testing::Cached;
using testing::DataDir;
using testing::NistDir;

// "{a: a1(a1.1 a1.2) a2} {b: b2}" — groups in braces, child controls in parentheses; top-level controls first.
std::string Outline(const Json& node) {
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : " ") + s; };
    for (const auto& c : node.value("controls", Json::array())) {
        std::string kids = Outline(c);
        add(c.value("id", "") + (kids.empty() ? "" : "(" + kids + ")"));
    }
    for (const auto& g : node.value("groups", Json::array())) add("{" + g.value("id", "") + ": " + Outline(g) + "}");
    return out;
}

Document ResolveFixture(const std::string& name) {
    return ResolveFile(DataDir() / "resolve" / (name + "_profile.json"), {.timestamp = "2024-06-01T00:00:00Z"});
}

std::set<std::string> ParamIds(const Json& node) {
    std::set<std::string> out;
    for (const auto& p : node.value("params", Json::array())) out.insert(p.value("id", ""));
    for (const char* k : {"controls", "groups"})
        for (const auto& c : node.value(k, Json::array())) out.merge(ParamIds(c));
    return out;
}

const Json* FindControl(const Json& node, const std::string& id) {
    for (const char* k : {"controls", "groups"}) {
        if (!node.contains(k)) continue;
        for (const auto& c : node[k]) {
            if (std::string(k) == "controls" && c.value("id", "") == id) return &c;
            if (const Json* hit = FindControl(c, id)) return hit;
        }
    }
    return nullptr;
}

std::string PartIds(const Json& node) {
    std::string out;
    for (const auto& p : node.value("parts", Json::array())) {
        out += (out.empty() ? "" : " ") + p.value("id", p.value("name", ""));
        std::string kids = PartIds(p);
        if (!kids.empty()) out += "(" + kids + ")";
    }
    return out;
}

std::string ErrorOf(const std::string& name) {
    try {
        ResolveFixture(name);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(ResolveTest, IncludeAllAsIsKeepsTheCatalogStructure) {
    auto d = ResolveFixture("include-all");
    EXPECT_EQ(Outline(d.body), "{a: a1(a1.1 a1.2) a2} {b: b1(b1.1) b2}");
    EXPECT_TRUE(SchemaIssues(d).empty());
}

TEST(ResolveTest, WithIdsAndNoMergeDirectiveGiveFlatControlsInCatalogOrder) {
    EXPECT_EQ(Outline(ResolveFixture("include-ids-flat").body), "a1 b2");
}

TEST(ResolveTest, MatchingSelectsByPattern) {
    EXPECT_EQ(Outline(ResolveFixture("matching").body), "{a: a1 a2}");
}

TEST(ResolveTest, WithChildControlsBringsEnhancements) {
    EXPECT_EQ(Outline(ResolveFixture("with-child-controls").body), "{a: a1(a1.1 a1.2)}");
}

TEST(ResolveTest, ExclusionPrevailsOverInclusion) {
    EXPECT_EQ(Outline(ResolveFixture("exclude").body), "{a: a1(a1.1) a2}");
}

TEST(ResolveTest, EnhancementSelectedWithoutItsParentBringsTheParentWithOnlyTheSelectedChildren) {
    auto d = ResolveFixture("enhancement-without-parent");
    EXPECT_EQ(Outline(d.body), "{a: a1(a1.1) a2}");
    EXPECT_EQ((*FindControl(d.body, "a1"))["title"], "Control A1");  // the parent's own content is kept
}

TEST(ResolveTest, EnhancementWhoseParentIsExcludedTakesTheParentsPlace) {
    EXPECT_EQ(Outline(ResolveFixture("enhancement-parent-excluded").body), "{a: a1.1 a2}");
}

TEST(ResolveTest, ProfilesImportingProfilesResolveInnerFirst) {
    EXPECT_EQ(Outline(ResolveFixture("profile-of-profile").body), "a1");
}

TEST(ResolveTest, BackMatterImportTriesEachRlinkAndKeepsTheProfilesOwnResources) {
    auto d = ResolveFixture("back-matter-import");
    EXPECT_EQ(Outline(d.body), "{a: a2}");
    std::vector<std::string> uuids;
    for (const auto& r : d.body["back-matter"]["resources"]) uuids.push_back(r["uuid"]);
    // a2 links to resource two; the import's own resource is not carried, the profile's note is.
    EXPECT_EQ(uuids, (std::vector<std::string>{"22222222-2222-4222-8222-222222222222",
                                               "9e9e9e9e-0000-4000-8000-000000000002"}));
}

TEST(ResolveTest, CustomMergeBuildsTheProfilesGroups) {
    EXPECT_EQ(Outline(ResolveFixture("merge-custom").body), "{first: b1.1 a1.2 a1.1} {second: a1 a2 b1 b2}");
}

TEST(ResolveTest, UseFirstKeepsOneCopyOfADuplicate) {
    EXPECT_EQ(Outline(ResolveFixture("import-twice").body), "{a: a1 a2} {b: b1}");
}

TEST(ResolveTest, AnExplicitFlatMergeListsTheControlsWithoutGroups) {
    // Two imports of the same catalog, merge flat: one list, no groups, the duplicate a2 once (use-first).
    EXPECT_EQ(Outline(ResolveFixture("merge-flat").body), "a1 a2 b1");
}

TEST(ResolveTest, CombineKeepAcceptsIdenticalDuplicatesAndRefusesDifferentOnes) {
    EXPECT_EQ(Outline(ResolveFixture("combine-keep").body), "a1 a2 b1");
    EXPECT_NE(ErrorOf("combine-keep-conflict").find("control 'a2' is imported twice with different content"),
              std::string::npos);
}

TEST(ResolveTest, LooseParametersAreKeptOnlyWhenInserted) {
    auto d = ResolveFixture("include-all");
    EXPECT_EQ(ParamIds(d.body), (std::set<std::string>{"a1_prm_1", "loose-1"}));
    auto only_a = ResolveFixture("matching");
    EXPECT_EQ(ParamIds(only_a.body), (std::set<std::string>{"a1_prm_1"}));
}

TEST(ResolveTest, SetParametersReplacesValuesAndAddsProps) {
    auto d = ResolveFixture("modify");
    const Json* a1 = FindControl(d.body, "a1");
    ASSERT_NE(a1, nullptr);
    const Json& p = (*a1)["params"][0];
    EXPECT_EQ(p["values"], Json({"monthly"}));
    EXPECT_EQ(p["label"], "frequency");
    EXPECT_EQ(p["props"][0]["name"], "set-by");
}

TEST(ResolveTest, AltersAddAtEveryPositionAndRemoveByEveryKey) {
    auto d = ResolveFixture("modify");
    const Json* a1 = FindControl(d.body, "a1");
    EXPECT_EQ(PartIds(*a1), "a1_before a1_smt(a1_smt.z) a1_after");  // guidance removed by name
    EXPECT_EQ((*a1)["props"][0]["name"], "added");                  // starting
    const Json* a2 = FindControl(d.body, "a2");
    EXPECT_EQ(PartIds(*a2), "a2_smt");  // by class
    EXPECT_FALSE(a2->contains("links"));  // by item name
    const Json* b1 = FindControl(d.body, "b1");
    EXPECT_EQ(PartIds(*b1), "b1_gdn");  // by id
    EXPECT_EQ((*b1)["props"].size(), 1u);  // by name (sort-id)
    const Json* b2 = FindControl(d.body, "b2");
    EXPECT_EQ((*b2)["title"], "Control B2, retitled");
    EXPECT_EQ((*b2)["props"].size(), 2u);  // by ns: nothing in that namespace
    EXPECT_TRUE(SchemaIssues(d).empty());
}

TEST(ResolveTest, ResolvedMetadataNamesTheSourceProfileAndTool) {
    auto d = ResolveFixture("include-all");
    const Json& md = d.body["metadata"];
    EXPECT_EQ(md["title"], "include-all");
    EXPECT_EQ(md["last-modified"], "2024-06-01T00:00:00Z");
    EXPECT_EQ(md["links"][0]["rel"], "source-profile");
    EXPECT_EQ(md["props"][0]["name"], "resolution-tool");
    EXPECT_EQ(d.body["uuid"], ResolveFixture("include-all").body["uuid"]);  // deterministic
    EXPECT_NE(d.body["uuid"], "5d0e0d1e-6c2b-4c5e-9a7e-0b6f8f1f2a3b");
}

TEST(ResolveTest, BadProfilesFailWithTheirLocation) {
    EXPECT_NE(ErrorOf("missing-import").find("import not found: no-such_catalog.json"), std::string::npos);
    EXPECT_NE(ErrorOf("cycle-a").find("cycle"), std::string::npos);
    EXPECT_NE(ErrorOf("alter-missing-control").find("/profile/modify/alters/0/control-id"), std::string::npos);
    try {
        ResolveFile(DataDir() / "resolve/abc_catalog.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("expected an OSCAL profile"), std::string::npos);
    }
}

// NIST SP 800-53 rev5 5.0.1 baselines against what NIST's own resolver produces for them: the outlines in
// tests/data/oscal/nist-resolver/ were taken from the resolved catalogs NIST's XSLT resolver pipeline wrote
// for the same profiles (how: that folder's README.md). Groups, controls (with their nesting), parameters and
// back-matter resources must be the same, in the same order.
struct Outline2 {
    std::vector<std::string> groups, controls, params, resources;
};

void Walk(const Json& node, const std::string& path, Outline2& o) {
    for (const auto& p : node.value("params", Json::array())) o.params.push_back(p["id"]);
    for (const auto& c : node.value("controls", Json::array())) {
        std::string here = (path.empty() ? "" : path + "/") + c["id"].get<std::string>();
        o.controls.push_back(here);
        Walk(c, here, o);
    }
    for (const auto& g : node.value("groups", Json::array())) {
        std::string here = (path.empty() ? "" : path + "/") + g.value("id", "");
        o.groups.push_back(here);
        Walk(g, here, o);
    }
}

std::vector<std::string> Strings(const Json& a) { return a.get<std::vector<std::string>>(); }

// Where two lists first differ, for a readable failure.
std::string FirstDifference(const std::vector<std::string>& want, const std::vector<std::string>& got) {
    size_t i = 0;
    while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
    if (i == want.size() && i == got.size()) return "";
    return "at " + std::to_string(i) + ": NIST " + (i < want.size() ? want[i] : "(end)") + ", isms " +
           (i < got.size() ? got[i] : "(end)") + " (" + std::to_string(want.size()) + " vs " + std::to_string(got.size()) + ")";
}

// Every resolved control carries the catalog's content unchanged (these profiles modify nothing).
void ExpectSameContent(const Json& node, const std::map<std::string, const Json*>& catalog) {
    for (const char* k : {"controls", "groups"})
        for (const auto& c : node.value(k, Json::array())) {
            if (std::string(k) == "controls") {
                Json a = c, b = *catalog.at(c["id"]);
                a.erase("controls");
                b.erase("controls");
                auto canonical = [](const Json& control) {
                    return Canonical({Model::kCatalog, Json{{"controls", Json::array({control})}}});
                };
                EXPECT_TRUE(canonical(a) == canonical(b)) << c["id"] << " differs from the catalog's";
            }
            ExpectSameContent(c, catalog);
        }
}

void IndexControls(const Json& node, std::map<std::string, const Json*>& out) {
    for (const char* k : {"controls", "groups"}) {
        if (!node.contains(k)) continue;
        for (const auto& c : node[k]) {
            if (std::string(k) == "controls") out[c["id"]] = &c;
            IndexControls(c, out);
        }
    }
}

TEST(ResolveTest, NistBaselinesResolveToWhatNistsResolverProduces) {
    const Document& catalog = Cached(NistDir() / "800-53-rev5-5.0.1/NIST_SP-800-53_rev5_catalog.xml");
    std::map<std::string, const Json*> by_id;
    IndexControls(catalog.body, by_id);
    for (const char* level : {"LOW", "MODERATE", "HIGH", "PRIVACY"}) {
        Json nist = Json::parse(ReadText(DataDir() / "nist-resolver" / (std::string(level) + ".json")));
        for (const char* ext : {".json", ".xml"}) {
            SCOPED_TRACE(std::string(level) + ext);
            auto path = NistDir() / "800-53-rev5-5.0.1" / (std::string("NIST_SP-800-53_rev5_") + level + "-baseline_profile" + ext);
            Document resolved = ResolveFile(path, {.timestamp = "2024-06-01T00:00:00Z"});
            Outline2 got;
            Walk(resolved.body, "", got);
            for (const auto& r : resolved.body["back-matter"]["resources"]) got.resources.push_back(r["uuid"]);
            EXPECT_EQ(FirstDifference(Strings(nist["groups"]), got.groups), "") << "groups";
            EXPECT_EQ(FirstDifference(Strings(nist["controls"]), got.controls), "") << "controls";
            EXPECT_EQ(FirstDifference(Strings(nist["params"]), got.params), "") << "parameters";
            EXPECT_EQ(FirstDifference(Strings(nist["resources"]), got.resources), "") << "back-matter resources";
            ExpectSameContent(resolved.body, by_id);
            auto issues = SchemaIssues(resolved);
            EXPECT_TRUE(issues.empty()) << (issues.empty() ? "" : issues[0].path + ": " + issues[0].message);
        }
    }
}

TEST(ResolveTest, Nist511ProfilesParseValidateAndFailToResolveWithImportNotFound) {
    for (const char* level : {"LOW", "MODERATE", "HIGH", "PRIVACY"}) {
        for (const char* ext : {".json", ".xml", ".yaml"}) {
            auto path = NistDir() / "800-53-rev5-5.1.1-profiles" / (std::string("NIST_SP-800-53_rev5_") + level + "-baseline_profile" + ext);
            SCOPED_TRACE(path.string());
            EXPECT_TRUE(ValidateFile(path).ok());
            try {
                ResolveFile(path);
                ADD_FAILURE() << "resolved without its catalog";
            } catch (const Error& e) {
                EXPECT_EQ(e.code(), ErrorCode::kNotFound);
                EXPECT_NE(std::string(e.what()).find("import not found"), std::string::npos) << e.what();
                EXPECT_NE(std::string(e.what()).find("NIST_SP-800-53_rev5_catalog"), std::string::npos) << e.what();
            }
        }
    }
}

}  // namespace
}  // namespace isms::oscal
