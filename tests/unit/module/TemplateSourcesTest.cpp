// Static checks over ui-templates: no raw output of untrusted values, and
// every catalog key the templates use exists in every catalog.
#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "web/Catalog.h"

using namespace sac;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<fs::path> templates() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(test::sourcePath("ui-templates")))
        if (e.path().extension() == ".mustache") out.push_back(e.path());
    return out;
}

/// Raw tags ({{{name}}} or {{& name}}) whose variable does not end in _html.
std::vector<std::string> unsafeRawTags(const std::string& text) {
    std::vector<std::string> bad;
    static const std::regex raw(R"(\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{&\s*([^}]*?)\s*\}\})");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), raw); it != std::sregex_iterator(); ++it) {
        const std::string name = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
        const std::string suffix = "_html";
        if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            bad.push_back(it->str());
    }
    return bad;
}

} // namespace

TEST(TemplateSources, ScannerFindsRawTags) {
    EXPECT_EQ(unsafeRawTags("{{{product_name}}}").size(), 1u);
    EXPECT_EQ(unsafeRawTags("{{& cause}}").size(), 1u);
    EXPECT_EQ(unsafeRawTags("{{{ summary_html }}} {{&row_html}}").size(), 0u);
    EXPECT_EQ(unsafeRawTags("{{name}} {{#a}}{{/a}}").size(), 0u);
}

TEST(TemplateSources, NoUnescapedOutputExceptOwnHtml) {
    const auto files = templates();
    ASSERT_FALSE(files.empty());
    for (const auto& f : files) {
        const auto bad = unsafeRawTags(readAll(f));
        EXPECT_TRUE(bad.empty()) << f.filename() << " has raw tag " << (bad.empty() ? "" : bad.front());
    }
}

TEST(TemplateSources, CatalogsHaveTheSameKeys) {
    auto catalog = web::Catalog::load(test::sourcePath("ui-templates/i18n"));
    ASSERT_TRUE(catalog) << catalog.error();
    const auto pt = catalog.value().keys("pt-BR");
    const auto en = catalog.value().keys("en");
    ASSERT_FALSE(pt.empty());
    std::set<std::string> ptSet(pt.begin(), pt.end()), enSet(en.begin(), en.end());
    for (const auto& k : ptSet) EXPECT_TRUE(enSet.count(k)) << "en lacks " << k;
    for (const auto& k : enSet) EXPECT_TRUE(ptSet.count(k)) << "pt-BR lacks " << k;
}

TEST(TemplateSources, EveryCatalogKeyUsedExists) {
    auto catalog = web::Catalog::load(test::sourcePath("ui-templates/i18n"));
    ASSERT_TRUE(catalog) << catalog.error();
    const auto keys = catalog.value().keys("pt-BR");
    const std::set<std::string> known(keys.begin(), keys.end());
    static const std::regex used(R"(\{\{[#^/]?\s*t\.([A-Za-z0-9_.]+)\s*\}\})");
    int count = 0;
    for (const auto& f : templates()) {
        const std::string text = readAll(f);
        for (auto it = std::sregex_iterator(text.begin(), text.end(), used); it != std::sregex_iterator(); ++it) {
            ++count;
            EXPECT_TRUE(known.count((*it)[1].str())) << f.filename() << " uses missing key t." << (*it)[1].str();
        }
    }
    EXPECT_GT(count, 20);
}

TEST(TemplateSources, EveryLostAndFoundKindAndEvidenceFieldIsNamed) {
    auto catalog = web::Catalog::load(test::sourcePath("ui-templates/i18n"));
    ASSERT_TRUE(catalog) << catalog.error();
    std::vector<std::string> keys;
    for (const char* kind : {"lost_inventory", "damaged_inventory", "refund_not_returned", "return_damaged",
                             "inbound_shortage", "removal_lost", "fee_overcharge"})
        keys.push_back(std::string("lf.kind_") + kind);
    for (const char* source : {"inbound", "removal_order", "removal_shipment", "fee_preview", "fee_charge"})
        keys.push_back(std::string("lf.fact.source.") + source);
    for (const char* field : {"shipment", "shipped", "received", "requested", "cancelled", "disposed", "in_process",
                              "carrier", "tracking", "tier", "dimensions", "weight", "expected", "charged"})
        keys.push_back(std::string("lf.fact.field.") + field);
    for (const char* report : {"get_fba_fulfillment_removal_order_detail_data",
                               "get_fba_fulfillment_removal_shipment_detail_data",
                               "get_fba_estimated_fba_fees_txt_data", "inbound_shipments", "fee_charges"})
        keys.push_back(std::string("lf.report.") + report);
    for (const auto& lang : {"pt-BR", "en"})
        for (const auto& k : keys) EXPECT_TRUE(catalog.value().find(lang, k)) << lang << " lacks " << k;
}
