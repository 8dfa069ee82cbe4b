#include "TestSupport.h"

#include "sac/aliexpress/IssueApi.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

using namespace sac::aliexpress;
using namespace sac::connectors;
using sac::test::FakeTransport;
using sac::test::fixture;
using sac::test::fixtureJson;

namespace {
Poco::JSON::Object::Ptr parse(const std::string& s) {
    Poco::JSON::Parser p;
    return p.parse(s).extract<Poco::JSON::Object::Ptr>();
}
} // namespace

TEST(IssueListParse, WrappedShape) {
    auto r = IssueApi::parseIssueList(fixtureJson("issuelist_wrapped.json"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const IssuePage& p = r.value();
    EXPECT_EQ(p.currentPage, 1);
    EXPECT_EQ(p.pageSize, 50);
    EXPECT_EQ(p.totalItem, 3);
    ASSERT_EQ(p.items.size(), 3u);
    const IssueSummary& a = p.items[0];
    EXPECT_EQ(a.issueId, 6346213853171470);
    EXPECT_EQ(a.issueStatus, "processing");
    EXPECT_EQ(a.orderId, 8194715118461470);
    EXPECT_EQ(a.parentOrderId, 8194715118451470);
    EXPECT_EQ(a.buyerLoginId, "br1029384756xyz");
    EXPECT_EQ(a.createdAtMs, 1730114599000);
    EXPECT_EQ(a.modifiedAtMs, 1730622600000);  // 01:30 on fall-back day: first occurrence
    EXPECT_EQ(a.reasonChinese, "未收到货");
    // Ids given as strings, empty parent id and empty time.
    const IssueSummary& b = p.items[1];
    EXPECT_EQ(b.issueId, 6346213853171471);
    EXPECT_EQ(b.orderId, 8194715118461471);
    EXPECT_FALSE(b.parentOrderId.has_value());
    EXPECT_FALSE(b.modifiedAtMs.has_value());
    EXPECT_EQ(b.buyerLoginId, "pt_joão_88");
    EXPECT_EQ(b.createdAtMs, 1741516200000);  // 02:30 in the spring gap → 03:30 PDT
    EXPECT_EQ(b.reasonEnglish, "Product doesn't match description <b>");
    // 2^53 + 1 and INT64_MAX survive exactly (no double on the way).
    EXPECT_EQ(p.items[2].issueId, 9007199254740993);
    EXPECT_EQ(p.items[2].orderId, 9223372036854775807);
}

TEST(IssueListParse, SimplifiedShape) {
    auto r = IssueApi::parseIssueList(fixtureJson("issuelist_simplified.json"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().currentPage, 2);
    EXPECT_EQ(r.value().totalItem, 51);
    ASSERT_EQ(r.value().items.size(), 1u);
    EXPECT_EQ(r.value().items[0].issueId, 6346213853171499);
    EXPECT_EQ(r.value().items[0].issueStatus, "finish");
    EXPECT_EQ(r.value().items[0].createdAtMs, 1720119600000);
}

TEST(IssueListParse, EmptyListAsEmptyObject) {
    auto r = IssueApi::parseIssueList(fixtureJson("issuelist_empty.json"));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value().items.empty());
    EXPECT_EQ(r.value().totalItem, 0);
}

TEST(IssueListParse, BadIdIsMalformedWithAClearMessage) {
    auto r = IssueApi::parseIssueList(fixtureJson("issuelist_bad_id.json"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
    EXPECT_EQ(r.error().detail, "expected issue_id as integer, got \"abc\" in aliexpress.issue.issuelist.get");
}

TEST(IssueListParse, WrongTypesAreRejected) {
    auto r = IssueApi::parseIssueList(parse(R"({"data_list":[{"issue_id":1.5,"order_id":1}]})"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().detail, "expected issue_id as integer, got 1.5 in aliexpress.issue.issuelist.get");
    auto missing = IssueApi::parseIssueList(parse(R"({"data_list":[{"issue_id":1}]})"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().detail, "expected order_id as integer, got nothing in aliexpress.issue.issuelist.get");
    auto notList = IssueApi::parseIssueList(parse(R"({"data_list":"oops"})"));
    ASSERT_FALSE(notList.ok());
    EXPECT_NE(notList.error().detail.find("data_list"), std::string::npos);
    auto overflow = IssueApi::parseIssueList(parse(R"({"data_list":[{"issue_id":"99999999999999999999","order_id":1}]})"));
    EXPECT_FALSE(overflow.ok());
    auto badTime = IssueApi::parseIssueList(parse(R"({"data_list":[{"issue_id":1,"order_id":1,"gmt_create":"28/10/2024"}]})"));
    ASSERT_FALSE(badTime.ok());
    EXPECT_NE(badTime.error().detail.find("\"28/10/2024\""), std::string::npos);
}

TEST(IssueListParse, BusinessFailureInsideTheEnvelopeIsRejected) {
    auto r = IssueApi::parseIssueList(parse(
        R"({"aliexpress_issue_issuelist_get_response":{"result_object":{"result_success":false,"error_code":"PARAM_ERROR","error_message":"page_size must be <= 50"}}})"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Rejected);
    EXPECT_NE(r.error().message.find("page_size must be <= 50"), std::string::npos);
}

TEST(IssueDetailParse, WrappedShapeBasedOnARealAnswer) {
    auto r = IssueApi::parseIssueDetail(fixtureJson("issue_detail_wrapped.json"), 6346213853171470);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const IssueDetail& d = r.value();
    EXPECT_EQ(d.issueId, 6346213853171470);
    EXPECT_EQ(d.id, 6345753109519425);
    EXPECT_EQ(d.issueStatus, "processing");
    EXPECT_EQ(d.reverseDetailStatus, "wait_for_seller_response");
    EXPECT_EQ(d.timeoutType, "seller_response");
    EXPECT_EQ(d.deadlineAtMs, 1730622600000);
    EXPECT_EQ(d.createdAtMs, 1730114599000);
    EXPECT_EQ(d.issueReasonId, 115);
    EXPECT_EQ(d.issueReason, "O pedido não chegou — 未收到货");
    EXPECT_EQ(d.orderId, 8194715118461470);
    EXPECT_EQ(d.parentOrderId, 8194715118451470);
    EXPECT_EQ(d.productId, 1005003600816013);
    EXPECT_EQ(d.productName, "Capa para celular Ulanzi — edição 限定版 ☂");
    EXPECT_EQ(d.productPrice, (Money{6665, "USD"}));
    EXPECT_EQ(d.refundMoneyMax, (Money{6665, "USD"}));
    EXPECT_EQ(d.refundMoneyMaxLocal, (Money{40747, "BRL"}));
    EXPECT_TRUE(d.buyerReturnNo.empty());

    ASSERT_EQ(d.buyerSolutions.size(), 1u);
    const IssueSolution& s = d.buyerSolutions[0];
    EXPECT_EQ(s.id, 6010915445171470);
    EXPECT_EQ(s.solutionType, "refund");
    EXPECT_EQ(s.solutionOwner, "buyer");
    EXPECT_EQ(s.status, "wait_seller_accept");
    EXPECT_TRUE(s.isDefault);
    EXPECT_EQ(s.refundMoney, (Money{40747, "BRL"}));
    EXPECT_EQ(s.refundMoneyPost, (Money{6665, "USD"}));
    EXPECT_FALSE(s.sellerAcceptedAtMs.has_value());
    EXPECT_TRUE(d.sellerSolutions.empty());
    ASSERT_EQ(d.platformSolutions.size(), 1u);
    EXPECT_EQ(d.platformSolutions[0].id, -2);
    EXPECT_FALSE(d.platformSolutions[0].refundMoneyPost.has_value());

    ASSERT_EQ(d.processes.size(), 2u);
    EXPECT_EQ(d.processes[0].actionType, "initiate");
    EXPECT_EQ(d.processes[0].submitMemberType, "buyer");
    ASSERT_EQ(d.processes[0].attachments.size(), 2u);
    EXPECT_EQ(d.processes[0].attachments[1].filePath, "https://ae01.alicdn.com/kf/Sa1b2c3d5.png");
    EXPECT_EQ(d.processes[0].attachments[1].owner, "buyer");
    EXPECT_TRUE(d.processes[1].attachments.empty());
}

TEST(IssueDetailParse, SimplifiedShapeWithStringIdsAndUntrustedText) {
    auto r = IssueApi::parseIssueDetail(fixtureJson("issue_detail_simplified.json"), 6346213853171499);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const IssueDetail& d = r.value();
    EXPECT_EQ(d.id, 6345753109519499);
    EXPECT_EQ(d.productName, "<script>alert('x')</script> Lamp & \"Shade\"");  // kept verbatim; escaping is the UI's job
    EXPECT_EQ(d.issueReasonId, 210);
    EXPECT_EQ(d.productId, 1005003600816099);
    EXPECT_EQ(d.productPrice, (Money{1250, "USD"}));
    EXPECT_EQ(d.refundMoneyMaxLocal, (Money{1875, "JPY"}));
    EXPECT_EQ(d.deadlineAtMs, 1741516200000);
    EXPECT_EQ(d.buyerReturnLogisticsLpNo, "LP00123456789012");
    ASSERT_EQ(d.buyerSolutions.size(), 1u);
    EXPECT_EQ(d.buyerSolutions[0].id, 6010915445171499);
    EXPECT_TRUE(d.buyerSolutions[0].isDefault);
    ASSERT_EQ(d.sellerSolutions.size(), 1u);
    EXPECT_EQ(d.sellerSolutions[0].refundMoney, (Money{500, "USD"}));
    EXPECT_TRUE(d.platformSolutions.empty());
    ASSERT_EQ(d.processes.size(), 1u);
    ASSERT_EQ(d.processes[0].attachments.size(), 1u);
    EXPECT_EQ(d.processes[0].attachments[0].owner, "seller");
}

TEST(IssueDetailParse, BadOrderIdIsMalformed) {
    auto r = IssueApi::parseIssueDetail(fixtureJson("issue_detail_bad_order_id.json"), 1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().detail, "expected order_id as integer, got \"abc\" in aliexpress.issue.detail.get");
}

TEST(IssueDetailParse, MoneyProblemsAreMalformed) {
    auto noCurrency = IssueApi::parseIssueDetail(parse(R"({"issue_status":"processing","order_id":1,"product_price":"1.00"})"), 1);
    ASSERT_FALSE(noCurrency.ok());
    EXPECT_NE(noCurrency.error().detail.find("product_price_currency"), std::string::npos);
    auto garbage = IssueApi::parseIssueDetail(
        parse(R"({"issue_status":"processing","order_id":1,"product_price":"12,50","product_price_currency":"USD"})"), 1);
    ASSERT_FALSE(garbage.ok());
    EXPECT_NE(garbage.error().detail.find("\"12,50\""), std::string::npos);
    auto missingStatus = IssueApi::parseIssueDetail(parse(R"({"result_object":{"order_id":1}})"), 1);
    ASSERT_FALSE(missingStatus.ok());
    EXPECT_EQ(missingStatus.error().detail, "expected issue_status as text, got nothing in aliexpress.issue.detail.get");
}

TEST(IssueConfirmation, AcceptsTheKnownShapes) {
    EXPECT_TRUE(IssueApi::parseConfirmation(fixtureJson("agree_true.json"), IssueApi::kAgreeMethod).value());
    EXPECT_TRUE(IssueApi::parseConfirmation(fixtureJson("save_true_simplified.json"), IssueApi::kSaveMethod).value());
    EXPECT_FALSE(IssueApi::parseConfirmation(parse(R"({"result_object":false})"), IssueApi::kAgreeMethod).value());
    EXPECT_TRUE(IssueApi::parseConfirmation(parse(R"({"result_object":"true"})"), IssueApi::kAgreeMethod).value());

    auto refused = IssueApi::parseConfirmation(fixtureJson("agree_refused.json"), IssueApi::kAgreeMethod);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(refused.error().code, "ISSUE_STATUS_ERROR");
    EXPECT_NE(refused.error().message.find("não permite"), std::string::npos);

    auto unknown = IssueApi::parseConfirmation(parse(R"({"something":"else"})"), IssueApi::kAgreeMethod);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, ErrorKind::Malformed);
    EXPECT_NE(unknown.error().detail.find("aliexpress.issue.solution.agree"), std::string::npos);
}

TEST(IssueUpload, ReadsThePath) {
    EXPECT_EQ(IssueApi::parseUploadResult(fixtureJson("upload_ok.json")).value(), "https://ae01.alicdn.com/kf/Hupload123.jpg");
    EXPECT_EQ(IssueApi::parseUploadResult(parse(R"({"result_object":"/kf/abc.png"})")).value(), "/kf/abc.png");
    EXPECT_FALSE(IssueApi::parseUploadResult(parse(R"({"result_object":{}})")).ok());
    EXPECT_EQ(IssueApi::parseUploadResult(parse(R"({"aliexpress_issue_image_upload_response":{"result_object":true}})")).value(), "");
    auto refused = IssueApi::parseUploadResult(parse(R"({"result_object":false})"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, sac::connectors::ErrorKind::Rejected);
}

TEST(IssueRequests, QueryAndParamDtoJson) {
    auto q = parse(IssueApi::issueListQueryDto("processing", 3, 500));
    EXPECT_EQ(q->getValue<int>("current_page"), 3);
    EXPECT_EQ(q->getValue<int>("page_size"), 50);
    EXPECT_EQ(q->getValue<std::string>("issue_status"), "processing");
    EXPECT_FALSE(parse(IssueApi::issueListQueryDto("", 0, 10))->has("issue_status"));

    SaveSolutionRequest s;
    s.buyerLoginId = "br1029384756xyz";
    s.issueId = 9007199254740993;
    s.buyerSolutionId = 6010915445171470;
    s.refundAmount = Money{0, "USD"};
    s.solutionContext = "Entregue conforme rastreio — \"assinado\"";
    s.addSolutionType = "refund";
    const std::string text = IssueApi::saveSolutionParamDto(s);
    EXPECT_NE(text.find("\"issue_id\":9007199254740993"), std::string::npos) << text;
    auto o = parse(text);
    EXPECT_EQ(o->get("issue_id").extract<Poco::Int64>(), 9007199254740993);
    EXPECT_TRUE(o->getValue<bool>("add_seller_solution"));
    EXPECT_EQ(o->getValue<std::string>("refund_amount"), "0.00");
    EXPECT_EQ(o->getValue<std::string>("refund_amount_currency"), "USD");
    EXPECT_EQ(o->getValue<std::string>("solution_context"), "Entregue conforme rastreio — \"assinado\"");
    EXPECT_FALSE(o->has("return_good_address_id"));
}

TEST(IssueApiCalls, SendTheDocumentedParameters) {
    auto t = std::make_shared<FakeTransport>();
    IopConfig c;
    c.appKey = "k";
    c.appSecret = "s";
    c.accessToken = "t";
    IopClient client(c, t, [] { return std::int64_t{1717171717000}; }, RetryPolicy::none());
    IssueApi api(client);

    t->answer(200, fixture("issue_detail_wrapped.json"));
    ASSERT_TRUE(api.issueDetail("br1029384756xyz", 6346213853171470).ok());
    t->answer(200, fixture("agree_true.json"));
    ASSERT_TRUE(api.agreeSolution("br1029384756xyz", 6346213853171470, 6010915445171470, 77).value());
    t->answer(200, fixture("upload_ok.json"));
    ASSERT_TRUE(api.uploadImage("br1029384756xyz", 6346213853171470, "png", "\x89PNG").ok());
    t->answer(200, fixture("issuelist_empty.json"));
    ASSERT_TRUE(api.listIssues("finish", 1, 50).ok());

    auto fields = [&](std::size_t i) {
        std::map<std::string, std::string> m;
        for (auto& [k, v] : t->requests[i].fields) m[k] = v;
        return m;
    };
    EXPECT_EQ(fields(0)["method"], "aliexpress.issue.detail.get");
    EXPECT_EQ(fields(0)["issue_id"], "6346213853171470");
    EXPECT_EQ(fields(0)["buyer_login_id"], "br1029384756xyz");
    EXPECT_EQ(fields(1)["solution_id"], "6010915445171470");
    EXPECT_EQ(fields(1)["return_address_id"], "77");
    EXPECT_EQ(fields(2)["extension"], "png");
    ASSERT_EQ(t->requests[2].files.size(), 1u);
    EXPECT_EQ(t->requests[2].files[0].fieldName, "image_bytes");
    EXPECT_EQ(t->requests[2].files[0].contentType, "image/png");
    EXPECT_EQ(fields(3)["query_dto"], R"({"current_page":1,"issue_status":"finish","page_size":50})");
}
