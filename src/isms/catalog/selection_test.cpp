#include "isms/catalog/selection.hpp"

#include <gtest/gtest.h>

#include "isms/core/error.hpp"

namespace isms::catalog {
namespace {

using query::Item;
using query::Values;

query::Vocabulary Vocab() {
    return query::Vocabulary({
        {"id", "", {}, true, false},
        {"title", "", {}, true, false},
        {"kind", "", {"Preventive", "Detective", "Corrective"}},
        {"area", "", {"North", "South", "East"}},
    });
}

class SelectionTest : public ::testing::Test {
protected:
    void SetUp() override {
        items_ = {
            {{"id", {"5.10"}}, {"title", {"beta"}}, {"kind", {"Detective"}}, {"area", {"North", "South"}}},
            {{"id", {"5.9"}}, {"title", {"Alpha"}}, {"kind", {"Preventive", "Corrective"}}, {"area", {"South"}}},
            {{"id", {"8.1"}}, {"title", {"gamma"}}, {"kind", {"Preventive"}}, {"area", {}}},
            {{"id", {"5.2"}}, {"title", {"delta"}}, {"kind", {"Corrective"}}, {"area", {"East", "North"}}},
        };
        for (const auto& i : items_) ptrs_.push_back(&i);
    }
    std::vector<std::string> Ids(const Selection& s) const {
        std::vector<std::string> out;
        for (size_t i : s.items) out.push_back(items_[i].at("id").front());
        return out;
    }
    std::vector<Item> items_;
    std::vector<const Item*> ptrs_;
};

TEST_F(SelectionTest, SortsIdsNaturallyAndKeepsInputOrderForTies) {
    EXPECT_EQ(Ids(Select(ptrs_, {.sort = "id"}, Vocab())), (std::vector<std::string>{"5.2", "5.9", "5.10", "8.1"}));
    EXPECT_EQ(Ids(Select(ptrs_, {.sort = "-id"}, Vocab())), (std::vector<std::string>{"8.1", "5.10", "5.9", "5.2"}));
    EXPECT_EQ(Ids(Select(ptrs_, {}, Vocab())), (std::vector<std::string>{"5.10", "5.9", "8.1", "5.2"}));
}

TEST_F(SelectionTest, SortsClosedFieldsInVocabularyOrderWithSeveralKeys) {
    // kind: Preventive < Detective < Corrective; value lists compare element by element.
    EXPECT_EQ(Ids(Select(ptrs_, {.sort = "kind,id"}, Vocab())),
              (std::vector<std::string>{"8.1", "5.9", "5.10", "5.2"}));
    EXPECT_EQ(Ids(Select(ptrs_, {.sort = "-kind, title"}, Vocab())),
              (std::vector<std::string>{"5.2", "5.10", "5.9", "8.1"}));
    // Titles ignore case.
    EXPECT_EQ(Ids(Select(ptrs_, {.sort = "title"}, Vocab())), (std::vector<std::string>{"5.9", "5.10", "5.2", "8.1"}));
}

TEST_F(SelectionTest, GroupByPutsAnItemInEachOfItsGroups) {
    Selection s = Select(ptrs_, {.group_by = "area"}, Vocab());
    ASSERT_EQ(s.groups.size(), 4u);  // North, South, East, and "" for the item without an area
    EXPECT_EQ(s.groups[0].key, "North");
    EXPECT_EQ(s.groups[0].items, (std::vector<size_t>{0, 3}));
    EXPECT_EQ(s.groups[1].key, "South");
    EXPECT_EQ(s.groups[1].items, (std::vector<size_t>{0, 1}));
    EXPECT_EQ(s.groups[2].key, "East");
    EXPECT_EQ(s.groups[3].key, "");
    EXPECT_EQ(s.groups[3].items, (std::vector<size_t>{2}));
    size_t sum = 0;
    for (const auto& g : s.groups) sum += g.items.size();
    EXPECT_EQ(sum, 6u);  // more than the 4 items: multi-valued membership
}

TEST_F(SelectionTest, GroupsFollowTheFilterAndSort) {
    Selection s = Select(ptrs_, {.where = "kind != Corrective", .sort = "-id", .group_by = "kind"}, Vocab());
    ASSERT_EQ(s.groups.size(), 2u);
    EXPECT_EQ(s.groups[0].key, "Preventive");
    EXPECT_EQ(s.groups[0].items, (std::vector<size_t>{2}));
    EXPECT_EQ(s.groups[1].key, "Detective");
}

TEST_F(SelectionTest, PivotCountsCellsAndDistinctTotals) {
    Selection s = Select(ptrs_, {.pivot = "kind,area"}, Vocab());
    ASSERT_TRUE(s.pivot);
    const Pivot& p = *s.pivot;
    EXPECT_EQ(p.row_values, (Values{"Preventive", "Detective", "Corrective"}));
    EXPECT_EQ(p.column_values, (Values{"North", "South", "East", ""}));
    // Preventive: 5.9 (South), 8.1 (no area). Detective: 5.10 (North, South). Corrective: 5.9 (South), 5.2 (E, N).
    EXPECT_EQ(p.cells[0], (std::vector<int>{0, 1, 0, 1}));
    EXPECT_EQ(p.cells[1], (std::vector<int>{1, 1, 0, 0}));
    EXPECT_EQ(p.cells[2], (std::vector<int>{1, 1, 1, 0}));
    EXPECT_EQ(p.row_totals, (std::vector<int>{2, 1, 2}));
    // Corrective's cells add up to 3 but it has 2 items: totals count distinct items.
    EXPECT_EQ(p.column_totals, (std::vector<int>{2, 2, 1, 1}));
    EXPECT_EQ(p.total, 4);
}

TEST_F(SelectionTest, BadSpecsNameTheField) {
    try {
        Select(ptrs_, {.sort = "id,-titel"}, Vocab());
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("unknown sort field 'titel' (did you mean 'title'?)"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(Select(ptrs_, {.group_by = "colour"}, Vocab()), Error);
    try {
        Select(ptrs_, {.pivot = "kind"}, Vocab());
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("exactly two fields"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace isms::catalog
