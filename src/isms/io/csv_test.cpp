#include "isms/io/csv.hpp"

#include <gtest/gtest.h>

#include "isms/core/error.hpp"

namespace isms::io {
namespace {

TEST(CsvTest, ParsesQuotedFieldsWithNewlinesAndKeepsLineNumbers) {
    auto doc = ParseCsv("id,text\n5.1,\"a, \"\"quoted\"\"\nvalue\"\n5.2,plain\r\n");
    ASSERT_EQ(doc.records.size(), 2u);
    EXPECT_EQ(doc.records[0].fields[1], "a, \"quoted\"\nvalue");
    EXPECT_EQ(doc.records[0].line, 2);
    EXPECT_EQ(doc.records[1].line, 4);
    EXPECT_EQ(doc.Column("text"), 1);
}

TEST(CsvTest, WrongFieldCountNamesTheLine) {
    try {
        ParseCsv("id,text\n5.1,a\n5.2\n");
        FAIL();
    } catch (const Error& e) {
        ASSERT_EQ(e.details().size(), 1u);
        EXPECT_EQ(e.details()[0].line, 3);
    }
}

TEST(CsvTest, UnterminatedQuoteIsRejected) { EXPECT_THROW(ParseCsv("id,text\n5.1,\"open\n"), Error); }

TEST(CsvTest, InvalidUtf8IsRejected) { EXPECT_THROW(ParseCsv("id,text\n5.1,\xff\xfe\n"), Error); }

TEST(CsvTest, Utf8Validation) {
    EXPECT_TRUE(IsValidUtf8("Åsa Öberg — ok"));
    EXPECT_FALSE(IsValidUtf8("\xc3"));
    EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
    EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
}

}  // namespace
}  // namespace isms::io
