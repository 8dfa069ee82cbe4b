// Renders the real tab template with hostile marketplace text and checks that
// it arrives escaped.
#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include "web/CasesPage.h"
#include "web/TemplateEngine.h"

using namespace sac;

namespace {

constexpr const char* kImg = "<img src=x onerror=alert(1)>";
constexpr const char* kScript = "<script>alert(\"x\")</script>";

class TabRendering : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = web::TemplateEngine::load(test::sourcePath("ui-templates"));
        ASSERT_TRUE(loaded) << loaded.error();
        engine = std::move(loaded.value());
        query.filter.accountId = 1;
    }

    std::string render(const std::string& locale = "pt-BR", bool admin = false) {
        web::TabModel m;
        m.query = &query;
        m.page = &page;
        m.stores = &stores;
        m.groups = &groups;
        m.causes = &causes;
        m.totalCases = static_cast<std::int64_t>(page.items.size());
        m.canHandle = true;
        m.isAdmin = admin;
        m.csrfToken = "tok\"en";
        m.now = 1'700'000'000'000;
        m.locale = locale;
        return engine->render("tab", web::tabData(m, engine->catalog()), locale);
    }

    std::unique_ptr<web::TemplateEngine> engine;
    web::CaseQuery query;
    storage::CasePage page;
    std::vector<domain::Store> stores;
    std::vector<domain::Group> groups;
    std::vector<std::string> causes;
};

domain::Case hostileCase() {
    domain::Case c;
    c.id = 7;
    c.storeId = 3;
    c.externalId = "8000000000000001";
    c.orderId = std::string("81") + kScript;
    c.productName = kImg;
    c.productImageUrl = "javascript:alert(1)";
    c.cause = kScript;
    c.marketplaceFineStatus = "<b>wait_for_seller_response</b>";
    c.status = domain::CaseStatus::Decisao;
    c.deadlineAt = 1'700'000'000'000 - 3'600'000;
    c.amount = domain::Money(123456, "BRL");
    return c;
}

} // namespace

TEST_F(TabRendering, EscapesHostileMarketplaceText) {
    stores.push_back(domain::Store{});
    stores.back().id = 3;
    stores.back().name = "Loja <b>\"A\"</b>";
    groups.push_back(domain::Group{9, 1, "<svg onload=alert(1)>", 0});
    causes.push_back(kScript);
    page.items.push_back(hostileCase());

    const std::string html = render();
    EXPECT_EQ(html.find(kImg), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_EQ(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_EQ(html.find("javascript:"), std::string::npos);
    EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("Loja &lt;b&gt;&quot;A&quot;&lt;/b&gt;"), std::string::npos);
    EXPECT_NE(html.find("value=\"tok&quot;en\""), std::string::npos);
    // The row itself is there, with the pt-BR labels.
    EXPECT_NE(html.find("Decisão"), std::string::npos);
    EXPECT_NE(html.find("R$ 1.234,56"), std::string::npos);
    EXPECT_NE(html.find("vencido há 1h"), std::string::npos);
    EXPECT_NE(html.find("sac-deadline-overdue"), std::string::npos);
}

TEST_F(TabRendering, EmptyStateTellsSellersAnAdminMustAddAStore) {
    const std::string seller = render();
    EXPECT_NE(seller.find("Nenhuma disputa ainda. Um administrador precisa cadastrar uma loja AliExpress"),
              std::string::npos);
    EXPECT_EQ(seller.find("href=\"/sac/stores\""), std::string::npos);
    EXPECT_NE(seller.find("Disputa de Sincronização"), std::string::npos);
    EXPECT_NE(seller.find("action=\"/sac/sync\""), std::string::npos);
    EXPECT_NE(seller.find("name=\"_csrf\""), std::string::npos);
    EXPECT_EQ(seller.find("<table"), std::string::npos);

    const std::string admin = render("pt-BR", true);
    EXPECT_NE(admin.find("href=\"/sac/stores\""), std::string::npos);
}

TEST_F(TabRendering, UsesTheUsersLocaleWithPtBrFallback) {
    EXPECT_NE(render("en").find("No disputes yet."), std::string::npos);
    EXPECT_NE(render("en-US").find("Sync disputes"), std::string::npos);
    EXPECT_NE(render("fr-FR").find("Disputa de Sincronização"), std::string::npos);
    EXPECT_NE(render("").find("SAC e pós-venda"), std::string::npos);
}

TEST_F(TabRendering, NextPageLinkCarriesFiltersAndCursor) {
    stores.push_back(domain::Store{});
    stores.back().id = 3;
    page.items.push_back(hostileCase());
    page.next = storage::CaseCursor{1'690'000'000'000, 7};
    query.order = "81&x=<y>";
    query.status = "decisao";
    const std::string html = render();
    EXPECT_NE(html.find("href=\"/sac/?status=decisao&amp;order=81%26x%3D%3Cy%3E&amp;cursor=1690000000000_7&amp;page=2\""),
              std::string::npos)
        << html;
}

TEST_F(TabRendering, ADeepPageLinksBackThroughItsTrailAndCountsItsRows) {
    stores.push_back(domain::Store{});
    stores.back().id = 3;
    for (int i = 0; i < 3; ++i) page.items.push_back(hostileCase());
    page.next = storage::CaseCursor{1'690'000'000'300, 9};
    query.sort = "asc";
    query.cursor = "1690000000200_8";
    query.trail = {"1690000000100_4"};
    query.page = 3;
    query.filter.limit = 50;
    const std::string html = render();
    // Back to page 2, whose start is the trail's last cursor; on to page 4 with this page's start in the trail.
    EXPECT_NE(html.find("href=\"/sac/?sort=asc&amp;cursor=1690000000100_4&amp;page=2\" class=\"sac-button\" rel=\"prev\""),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("cursor=1690000000300_9&amp;trail=1690000000100_4%2C1690000000200_8&amp;page=4"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("101–103 de"), std::string::npos) << html;
}

TEST(TemplateEngine, RefusesBrokenTemplatesAndUnknownNames) {
    auto catalog = web::Catalog::fromJson({{"pt-BR", R"({"a":"b"})"}});
    ASSERT_TRUE(catalog) << catalog.error();
    auto broken = web::TemplateEngine::fromMemory({{"x", "{{#open}} never closed"}}, catalog.value());
    EXPECT_FALSE(broken);
    auto ok = web::TemplateEngine::fromMemory({{"x", "{{t.a}} {{v}}"}}, catalog.value());
    ASSERT_TRUE(ok) << ok.error();
    kainjow::mustache::data d;
    d.set("v", "<i>");
    EXPECT_EQ(ok.value()->render("x", d, "pt-BR"), "b &lt;i&gt;");
    EXPECT_THROW(ok.value()->render("nope", {}, "pt-BR"), web::TemplateError);
}

TEST(Catalog, RequiresPtBrAndStringLeaves) {
    EXPECT_FALSE(web::Catalog::fromJson({{"en", R"({"a":"b"})"}}));
    EXPECT_FALSE(web::Catalog::fromJson({{"pt-BR", R"({"a":1})"}}));
    EXPECT_FALSE(web::Catalog::fromJson({{"pt-BR", R"(not json)"}}));
    auto c = web::Catalog::fromJson({{"pt-BR", R"({"a":{"b":"PT","c":"só pt"}})"}, {"en", R"({"a":{"b":"EN"}})"}});
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c.value().text("en", "a.b"), "EN");
    EXPECT_EQ(c.value().text("en", "a.c"), "só pt");
    EXPECT_EQ(c.value().text("en", "missing.key"), "missing.key");
    EXPECT_EQ(c.value().resolve("en-GB"), "en");
    EXPECT_EQ(c.value().resolve("pt"), "pt-BR");
    EXPECT_EQ(c.value().resolve("de"), "pt-BR");
}
