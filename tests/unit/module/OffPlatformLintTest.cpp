// The off-platform lint on a corpus in pt, es, en, it and hi: every text of
// findings.tsv is refused for the kind it names, and every text of clean.tsv
// (order numbers, amounts, dates, product and tracking codes, sentences that
// only look like an address) passes.
#include <gtest/gtest.h>

#include "domain/OffPlatformLint.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef SAC_SOURCE_DIR
#error "SAC_SOURCE_DIR must be defined"
#endif

namespace {

using sac::domain::lintOffPlatform;
using sac::domain::OffPlatformKind;

std::vector<std::vector<std::string>> readTsv(const std::string& name) {
    std::ifstream in(std::string(SAC_SOURCE_DIR) + "/tests/fixtures/lint/" + name);
    EXPECT_TRUE(in) << name;
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t')) cols.push_back(col);
        rows.push_back(cols);
    }
    return rows;
}

std::string describe(const std::vector<sac::domain::OffPlatformFinding>& found) {
    std::string out;
    for (const auto& f : found) out += std::string(toCode(f.kind)) + " \"" + f.text + "\"; ";
    return out.empty() ? "nothing" : out;
}

TEST(OffPlatformLint, EveryContactInTheCorpusIsFoundForWhatItIs) {
    const auto rows = readTsv("findings.tsv");
    ASSERT_GE(rows.size(), 40u);
    for (const auto& r : rows) {
        ASSERT_EQ(r.size(), 3u) << r[0];
        const auto found = lintOffPlatform(r[2]);
        bool kind = false;
        for (const auto& f : found) kind = kind || toCode(f.kind) == r[1];
        EXPECT_TRUE(kind) << "[" << r[0] << "] expected " << r[1] << " in: " << r[2] << " — found " << describe(found);
    }
}

TEST(OffPlatformLint, OrderNumbersAmountsDatesAndCodesPass) {
    const auto rows = readTsv("clean.tsv");
    ASSERT_GE(rows.size(), 25u);
    for (const auto& r : rows) {
        ASSERT_EQ(r.size(), 2u) << r[0];
        const auto found = lintOffPlatform(r[1]);
        EXPECT_TRUE(found.empty()) << "[" << r[0] << "] " << r[1] << " — found " << describe(found);
    }
}

TEST(OffPlatformLint, AFindingSaysWhatWasWritten) {
    const auto found = lintOffPlatform("fale comigo: (11) 98765-4321 ou joao arroba gmail ponto com");
    ASSERT_EQ(found.size(), 2u) << describe(found);
    EXPECT_EQ(found[0].kind, OffPlatformKind::Phone);
    EXPECT_EQ(found[0].text, "(11) 98765-4321");
    EXPECT_EQ(found[1].kind, OffPlatformKind::Email);
    EXPECT_EQ(found[1].text, "joao@gmail.com");
}

TEST(OffPlatformLint, CheckDigitsDecideADocument) {
    EXPECT_EQ(describe(lintOffPlatform("cpf 52998224725")), "document \"52998224725\"; ");
    EXPECT_EQ(describe(lintOffPlatform("cnpj 11222333000181")), "document \"11222333000181\"; ");
    // Wrong check digits: a number, not a document (and not a phone: 14 digits).
    EXPECT_EQ(describe(lintOffPlatform("código 11222333000182")), "nothing");
}

TEST(OffPlatformLint, HugeAndHostileInputIsReadInBoundedTime) {
    std::string text;
    for (int i = 0; i < 200000; ++i) text += i % 2 ? "ponto " : "9 ";
    const auto found = lintOffPlatform(text);
    EXPECT_LE(found.size(), 20u);
    std::string dots(100000, '.');
    EXPECT_TRUE(lintOffPlatform(dots).empty());
    std::string bytes;
    for (int i = 0; i < 70000; ++i) bytes += static_cast<char>(i % 256);
    (void)lintOffPlatform(bytes); // no crash, no hang
}

} // namespace
