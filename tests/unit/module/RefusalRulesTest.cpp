// Which counter-proposals a refusal may make, from the dispute's reason, and
// that the "Lide com" form offers only those.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

#include <sac/aliexpress/IssueApi.h>
#include <sac/test/TestDatabase.h>

#include "services/RefusalRules.h"
#include "web/CaseDialogView.h"
#include "web/TemplateEngine.h"

using namespace sac;
using services::GoodsReceipt;
using services::RefusalTypeCheck;

namespace {

std::string readFile(const std::string& relative) {
    std::ifstream in(test::sourcePath(relative), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

aliexpress::IssueDetail detailFrom(const std::string& payload, std::int64_t issueId) {
    Poco::JSON::Parser parser;
    auto doc = parser.parse(payload).extract<Poco::JSON::Object::Ptr>();
    auto parsed = aliexpress::IssueApi::parseIssueDetail(doc, issueId);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().describe());
    return parsed.ok() ? parsed.value() : aliexpress::IssueDetail{};
}

aliexpress::IssueProcess initiate(std::optional<bool> received, std::string member = "buyer") {
    aliexpress::IssueProcess p;
    p.actionType = "initiate";
    p.submitMemberType = std::move(member);
    p.receiveGoods = received;
    return p;
}

} // namespace

TEST(RefusalRules, TheBuyersWordOnTheGoodsComesFromTheHistoryFirst) {
    // The real answer: receive_goods false, reason in Portuguese and Chinese.
    const auto real = detailFrom(readFile("tests/fixtures/aliexpress/issue_detail_wrapped.json"), 6346213853171470);
    ASSERT_FALSE(real.processes.empty());
    ASSERT_TRUE(real.processes.front().receiveGoods.has_value());
    EXPECT_FALSE(*real.processes.front().receiveGoods);
    EXPECT_EQ(services::goodsReceipt(real), GoodsReceipt::NotReceived);

    aliexpress::IssueDetail d;
    d.issueReason = "Item not received";
    d.processes = {initiate(true)};
    EXPECT_EQ(services::goodsReceipt(d), GoodsReceipt::Received) << "the buyer's own flag wins over the text";
    // Newest first: the latest initiate entry counts; a seller's entry never does.
    d.processes = {initiate(false), initiate(true)};
    EXPECT_EQ(services::goodsReceipt(d), GoodsReceipt::NotReceived);
    d.processes = {initiate(true, "seller"), initiate(false)};
    EXPECT_EQ(services::goodsReceipt(d), GoodsReceipt::NotReceived);
    // Without a flag the reason decides.
    d.processes = {initiate(std::nullopt)};
    EXPECT_EQ(services::goodsReceipt(d), GoodsReceipt::NotReceived);
    d.issueReason = "Quality problem";
    EXPECT_EQ(services::goodsReceipt(d), GoodsReceipt::Unknown);
}

TEST(RefusalRules, ReasonTextsThatSayTheGoodsNeverArrived) {
    for (const char* reason : {"Item not received", "ITEM NOT RECEIVED", "Shipping takes too long",
                               "O pedido não chegou — 未收到货", "Produto não recebido", "未收到货", "运输时间太长"})
        EXPECT_EQ(services::goodsReceiptFromReason(reason), GoodsReceipt::NotReceived) << reason;
    for (const char* reason : {"Quality problem", "Item not as described", "Damaged", "Wrong item", "", "não",
                               "received"})
        EXPECT_EQ(services::goodsReceiptFromReason(reason), GoodsReceipt::Unknown) << reason;
    // Huge or broken text is read in bounded time and never throws.
    EXPECT_EQ(services::goodsReceiptFromReason(std::string(1 << 20, 'x') + "not received"), GoodsReceipt::Unknown);
    EXPECT_EQ(services::goodsReceiptFromReason(std::string("\xff\xfe not received", 16)), GoodsReceipt::NotReceived);
}

TEST(RefusalRules, NoReturnIsProposedForGoodsThatNeverArrived) {
    EXPECT_EQ(services::allowedRefusalTypes(GoodsReceipt::NotReceived), std::vector<std::string>{"refund"});
    EXPECT_EQ(services::allowedRefusalTypes(GoodsReceipt::Received),
              (std::vector<std::string>{"refund", "return_and_refund"}));
    EXPECT_EQ(services::allowedRefusalTypes(GoodsReceipt::Unknown),
              (std::vector<std::string>{"refund", "return_and_refund"}));
    EXPECT_EQ(services::checkRefusalType(GoodsReceipt::NotReceived, "refund"), RefusalTypeCheck::Allowed);
    EXPECT_EQ(services::checkRefusalType(GoodsReceipt::NotReceived, "return_and_refund"), RefusalTypeCheck::NotReceived);
    EXPECT_EQ(services::checkRefusalType(GoodsReceipt::Received, "return_and_refund"), RefusalTypeCheck::Allowed);
    for (const char* forged : {"exchange", "", "REFUND", "refund ", "return_and_refund\n", "<script>"})
        EXPECT_EQ(services::checkRefusalType(GoodsReceipt::Received, forged), RefusalTypeCheck::Unknown) << forged;
}

class RefusalForm : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = web::TemplateEngine::load(test::sourcePath("ui-templates"));
        ASSERT_TRUE(loaded) << loaded.error();
        engine = std::move(loaded.value());
    }

    /// The dialog of an open case showing this detail.
    std::string render(const std::string& payload, std::int64_t issueId) {
        domain::Case c;
        c.id = 5;
        c.externalId = std::to_string(issueId);
        c.status = domain::CaseStatus::Pendente;
        c.payloadJson = payload;
        web::CaseDialogModel m;
        m.c = &c;
        m.detail = web::parseStoredDetail(c);
        EXPECT_TRUE(m.detail.has_value());
        m.canHandle = true;
        m.csrfToken = "tok";
        m.locale = "pt-BR";
        return engine->render("case_dialog", web::caseDialogData(m, engine->catalog()), "pt-BR");
    }

    /// The options of the refusal's proposal type.
    static std::string typeSelect(const std::string& html) {
        const auto at = html.find("name=\"solution_type\"");
        if (at == std::string::npos) return {};
        return html.substr(at, html.find("</select>", at) - at);
    }

    std::unique_ptr<web::TemplateEngine> engine;
};

TEST_F(RefusalForm, OffersOnlyARefundWhenTheBuyerNeverGotTheGoods) {
    const std::string html = render(readFile("tests/fixtures/aliexpress/issue_detail_wrapped.json"), 6346213853171470);
    const std::string select = typeSelect(html);
    ASSERT_FALSE(select.empty()) << "the refusal form has a proposal type";
    EXPECT_NE(select.find("value=\"refund\""), std::string::npos);
    EXPECT_EQ(select.find("return_and_refund"), std::string::npos) << select;
    EXPECT_NE(html.find("data-sac-refund-only"), std::string::npos);
}

TEST_F(RefusalForm, OffersAReturnWhenTheGoodsArrived) {
    std::string payload = readFile("tests/fixtures/aliexpress/issue_detail_wrapped.json");
    // The same dispute, where the buyer got the goods and complains about them.
    for (auto pos = payload.find("\"receive_goods\":false"); pos != std::string::npos;
         pos = payload.find("\"receive_goods\":false"))
        payload.replace(pos, 21, "\"receive_goods\":true");
    const std::string html = render(payload, 6346213853171470);
    const std::string select = typeSelect(html);
    EXPECT_NE(select.find("value=\"refund\""), std::string::npos);
    EXPECT_NE(select.find("value=\"return_and_refund\""), std::string::npos) << select;
    EXPECT_EQ(html.find("data-sac-refund-only"), std::string::npos);
}
