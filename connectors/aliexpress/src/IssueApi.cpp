#include "sac/aliexpress/IssueApi.h"

#include "sac/connectors/ShownText.h"

#include "JsonRead.h"

#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>

namespace sac::aliexpress {

using connectors::ErrorKind;
using connectors::MarketplaceError;
using connectors::Result;
using json::ObjectPtr;

namespace {

std::optional<bool> boolish(const Poco::Dynamic::Var& v) {
    if (v.type() == typeid(bool)) return v.extract<bool>();
    if (v.type() == typeid(std::string)) {
        const auto& s = v.extract<std::string>();
        if (s == "true") return true;
        if (s == "false") return false;
    }
    return std::nullopt;
}

std::string firstText(const ObjectPtr& o, std::initializer_list<const char*> keys) {
    if (!o) return {};
    for (const char* k : keys) {
        if (!o->has(k)) continue;
        const Poco::Dynamic::Var v = o->get(k);
        if (v.isEmpty() || v.type() == typeid(Poco::JSON::Object::Ptr) || v.type() == typeid(Poco::JSON::Array::Ptr))
            continue;
        std::string s = v.convert<std::string>();
        if (!s.empty()) return s;
    }
    return {};
}

std::optional<bool> successFlag(const ObjectPtr& o) {
    if (!o) return std::nullopt;
    for (const char* k : {"result_success", "success", "is_success"})
        if (o->has(k))
            if (auto b = boolish(o->get(k))) return b;
    return std::nullopt;
}

MarketplaceError refused(std::string_view method, const std::string& rawCode, const std::string& rawMsg) {
    // The marketplace's words reach the seller: bounded here, escaped where they are shown.
    const std::string code = connectors::shownText(rawCode, 64);
    const std::string msg = connectors::shownText(rawMsg);
    return MarketplaceError::make(ErrorKind::Rejected, code,
                                  "AliExpress refused the request: " + (msg.empty() ? code : msg),
                                  std::string(method) + ": result not successful, error_code=" + code + " error_message=\"" +
                                      msg + "\"");
}

/// A business failure reported inside a successful envelope ({"result_success":false,...}).
std::optional<MarketplaceError> businessError(const ObjectPtr& o, std::string_view method) {
    auto ok = successFlag(o);
    if (!ok || *ok) return std::nullopt;
    return refused(method, firstText(o, {"error_code", "result_code", "code"}),
                   firstText(o, {"error_message", "error_msg", "result_msg", "result_message", "msg"}));
}

/// The object holding the payload: body["result_object"] when it is an object and `marker`
/// is not directly in body, else body.
ObjectPtr payload(const ObjectPtr& body, const char* marker) {
    if (body && !body->has(marker)) {
        for (const char* k : {"result_object", "result"})
            if (ObjectPtr inner = body->getObject(k)) return inner;
    }
    return body;
}

Result<IssueSolution> parseSolution(const ObjectPtr& o, std::string_view ctx) {
    IssueSolution s;
    SAC_TRY(id, json::int64(o, "id", ctx));
    s.id = id;
    SAC_TRY(type, json::optString(o, "solution_type", ctx));
    s.solutionType = std::move(type);
    SAC_TRY(owner, json::optString(o, "solution_owner", ctx));
    s.solutionOwner = std::move(owner);
    SAC_TRY(status, json::optString(o, "status", ctx));
    s.status = std::move(status);
    SAC_TRY(isDefault, json::optBool(o, "is_default", ctx));
    s.isDefault = isDefault.value_or(false);
    SAC_TRY(content, json::optString(o, "content", ctx));
    s.content = std::move(content);
    SAC_TRY(refund, json::optMoney(o, "refund_money", "refund_money_currency", ctx));
    s.refundMoney = refund;
    SAC_TRY(refundPost, json::optMoney(o, "refund_money_post", "refund_money_post_currency", ctx));
    s.refundMoneyPost = refundPost;
    SAC_TRY(created, json::optTime(o, "gmt_create", ctx));
    s.createdAtMs = created;
    SAC_TRY(modified, json::optTime(o, "gmt_modified", ctx));
    s.modifiedAtMs = modified;
    SAC_TRY(buyerAccept, json::optTime(o, "buyer_accept_time", ctx));
    s.buyerAcceptedAtMs = buyerAccept;
    SAC_TRY(sellerAccept, json::optTime(o, "seller_accept_time", ctx));
    s.sellerAcceptedAtMs = sellerAccept;
    SAC_TRY(reached, json::optTime(o, "reached_time", ctx));
    s.reachedAtMs = reached;
    SAC_TRY(reachedType, json::optString(o, "reached_type", ctx));
    s.reachedType = std::move(reachedType);
    return s;
}

Result<std::vector<IssueSolution>> parseSolutions(const ObjectPtr& o, const std::string& key, std::string_view ctx) {
    SAC_TRY(items, json::objectList(o, key, ctx));
    std::vector<IssueSolution> out;
    for (const auto& item : items) {
        SAC_TRY(s, parseSolution(item, ctx));
        out.push_back(std::move(s));
    }
    return out;
}

Result<IssueProcess> parseProcess(const ObjectPtr& o, std::string_view ctx) {
    IssueProcess p;
    SAC_TRY(action, json::optString(o, "action_type", ctx));
    p.actionType = std::move(action);
    SAC_TRY(member, json::optString(o, "submit_member_type", ctx));
    p.submitMemberType = std::move(member);
    SAC_TRY(content, json::optString(o, "content", ctx));
    p.content = std::move(content);
    SAC_TRY(created, json::optTime(o, "gmt_create", ctx));
    p.createdAtMs = created;
    if (auto received = json::optBool(o, "receive_goods", ctx); received.ok()) p.receiveGoods = received.value();
    SAC_TRY(atts, json::objectList(o, "attachments", ctx));
    for (const auto& a : atts) {
        IssueAttachment att;
        SAC_TRY(path, json::optString(a, "file_path", ctx));
        att.filePath = std::move(path);
        SAC_TRY(owner, json::optString(a, "owner", ctx));
        att.owner = std::move(owner);
        p.attachments.push_back(std::move(att));
    }
    return p;
}

std::string contentTypeFor(std::string ext) {
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    if (ext == "png") return "image/png";
    if (ext == "webp") return "image/webp";
    if (ext == "gif") return "image/gif";
    return "application/octet-stream";
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream os;
    o.stringify(os);
    return os.str();
}

} // namespace

std::string IssueApi::issueListQueryDto(std::string_view status, int page, int pageSize) {
    Poco::JSON::Object q;
    q.set("current_page", std::max(1, page));
    q.set("page_size", std::clamp(pageSize, 1, kMaxPageSize));
    if (!status.empty()) q.set("issue_status", std::string(status));
    return stringify(q);
}

std::string IssueApi::saveSolutionParamDto(const SaveSolutionRequest& r) {
    Poco::JSON::Object q;
    q.set("add_seller_solution", r.addSellerSolution);
    q.set("buyer_login_id", r.buyerLoginId);
    q.set("issue_id", static_cast<Poco::Int64>(r.issueId));
    if (r.buyerSolutionId) q.set("buyer_solution_id", static_cast<Poco::Int64>(*r.buyerSolutionId));
    q.set("refund_amount", r.refundAmount.toDecimalString());
    q.set("refund_amount_currency", r.refundAmount.currency);
    q.set("solution_context", r.solutionContext);
    if (r.addSolutionType) q.set("add_solution_type", *r.addSolutionType);
    if (r.modifySellerSolutionId) q.set("modify_seller_solution_id", static_cast<Poco::Int64>(*r.modifySellerSolutionId));
    if (r.returnGoodAddressId) q.set("return_good_address_id", static_cast<Poco::Int64>(*r.returnGoodAddressId));
    return stringify(q);
}

Result<IssuePage> IssueApi::parseIssueList(const ObjectPtr& doc) {
    const std::string_view ctx = kListMethod;
    ObjectPtr body = payload(json::responseBody(doc, ctx), "data_list");
    if (!body) return MarketplaceError::malformed("expected an object in answer to " + std::string(ctx));
    if (auto e = businessError(body, ctx)) return *e;
    IssuePage page;
    SAC_TRY(current, json::optInt64(body, "current_page", ctx));
    SAC_TRY(size, json::optInt64(body, "page_size", ctx));
    SAC_TRY(total, json::optInt64(body, "total_item", ctx));
    page.currentPage = static_cast<int>(current.value_or(0));
    page.pageSize = static_cast<int>(size.value_or(0));
    page.totalItem = total.value_or(0);
    SAC_TRY(rows, json::objectList(body, "data_list", ctx));
    for (const auto& row : rows) {
        IssueSummary s;
        SAC_TRY(issueId, json::int64(row, "issue_id", ctx));
        s.issueId = issueId;
        SAC_TRY(status, json::optString(row, "issue_status", ctx));
        s.issueStatus = std::move(status);
        SAC_TRY(orderId, json::int64(row, "order_id", ctx));
        s.orderId = orderId;
        SAC_TRY(parent, json::optInt64(row, "parent_order_id", ctx));
        s.parentOrderId = parent;
        SAC_TRY(buyer, json::optString(row, "buyer_login_id", ctx));
        s.buyerLoginId = std::move(buyer);
        SAC_TRY(created, json::optTime(row, "gmt_create", ctx));
        s.createdAtMs = created;
        SAC_TRY(modified, json::optTime(row, "gmt_modified", ctx));
        s.modifiedAtMs = modified;
        SAC_TRY(en, json::optString(row, "reason_english", ctx));
        s.reasonEnglish = std::move(en);
        SAC_TRY(zh, json::optString(row, "reason_chinese", ctx));
        s.reasonChinese = std::move(zh);
        page.items.push_back(std::move(s));
    }
    return page;
}

Result<IssueDetail> IssueApi::parseIssueDetail(const ObjectPtr& doc, std::int64_t issueId) {
    const std::string_view ctx = kDetailMethod;
    ObjectPtr body = payload(json::responseBody(doc, ctx), "issue_status");
    if (!body) return MarketplaceError::malformed("expected an object in answer to " + std::string(ctx));
    if (auto e = businessError(body, ctx)) return *e;
    IssueDetail d;
    d.issueId = issueId;
    SAC_TRY(id, json::optInt64(body, "id", ctx));
    d.id = id;
    SAC_TRY(status, json::string(body, "issue_status", ctx));
    d.issueStatus = std::move(status);
    SAC_TRY(reverse, json::optString(body, "reverse_detail_status", ctx));
    d.reverseDetailStatus = std::move(reverse);
    SAC_TRY(timeoutType, json::optString(body, "timeout_type", ctx));
    d.timeoutType = std::move(timeoutType);
    SAC_TRY(deadline, json::optTime(body, "timeout_trigger_time", ctx));
    d.deadlineAtMs = deadline;
    SAC_TRY(created, json::optTime(body, "gmt_create", ctx));
    d.createdAtMs = created;
    SAC_TRY(reasonId, json::optInt64(body, "issue_reason_id", ctx));
    d.issueReasonId = reasonId;
    SAC_TRY(reason, json::optString(body, "issue_reason", ctx));
    d.issueReason = std::move(reason);
    SAC_TRY(orderId, json::int64(body, "order_id", ctx));
    d.orderId = orderId;
    SAC_TRY(parent, json::optInt64(body, "parent_order_id", ctx));
    d.parentOrderId = parent;
    SAC_TRY(buyer, json::optString(body, "buyer_login_id", ctx));
    d.buyerLoginId = std::move(buyer);
    SAC_TRY(productId, json::optInt64(body, "product_id", ctx));
    d.productId = productId;
    SAC_TRY(productName, json::optString(body, "product_name", ctx));
    d.productName = std::move(productName);
    SAC_TRY(price, json::optMoney(body, "product_price", "product_price_currency", ctx));
    d.productPrice = price;
    SAC_TRY(maxRefund, json::optMoney(body, "refund_money_max", "refund_money_max_currency", ctx));
    d.refundMoneyMax = maxRefund;
    SAC_TRY(maxLocal, json::optMoney(body, "refund_money_max_local", "refund_money_max_local_currency", ctx));
    d.refundMoneyMaxLocal = maxLocal;
    SAC_TRY(company, json::optString(body, "buyer_return_logistics_company", ctx));
    d.buyerReturnLogisticsCompany = std::move(company);
    SAC_TRY(returnNo, json::optString(body, "buyer_return_no", ctx));
    d.buyerReturnNo = std::move(returnNo);
    SAC_TRY(lpNo, json::optString(body, "buyer_return_logistics_lp_no", ctx));
    d.buyerReturnLogisticsLpNo = std::move(lpNo);
    SAC_TRY(buyerSolutions, parseSolutions(body, "buyer_solution_list", ctx));
    d.buyerSolutions = std::move(buyerSolutions);
    SAC_TRY(sellerSolutions, parseSolutions(body, "seller_solution_list", ctx));
    d.sellerSolutions = std::move(sellerSolutions);
    SAC_TRY(platformSolutions, parseSolutions(body, "platform_solution_list", ctx));
    d.platformSolutions = std::move(platformSolutions);
    SAC_TRY(processes, json::objectList(body, "process_dto_list", ctx));
    for (const auto& p : processes) {
        SAC_TRY(process, parseProcess(p, ctx));
        d.processes.push_back(std::move(process));
    }
    return d;
}

Result<bool> IssueApi::parseConfirmation(const ObjectPtr& doc, std::string_view method) {
    ObjectPtr body = json::responseBody(doc, method);
    if (!body) return MarketplaceError::malformed("expected an object in answer to " + std::string(method));
    std::optional<bool> flag;
    ObjectPtr holder = body;
    if (body->has("result_object")) {
        const Poco::Dynamic::Var r = body->get("result_object");
        if (auto b = boolish(r)) flag = b;
        else if (ObjectPtr inner = body->getObject("result_object")) {
            holder = inner;
            flag = successFlag(inner);
            if (!flag && inner->has("result_object")) flag = boolish(inner->get("result_object"));
        } else {
            return json::expected("result_object", "boolean", r, method);
        }
    }
    if (!flag) flag = successFlag(body);
    if (!flag) {
        for (const char* k : {"target", "result"})
            if (body->has(k))
                if ((flag = boolish(body->get(k)))) break;
    }
    if (!flag)
        return json::expected("result_object", "boolean", body->has("result_object") ? body->get("result_object") : Poco::Dynamic::Var(), method);
    if (*flag) return true;
    const std::string code = firstText(holder, {"error_code", "result_code"});
    const std::string msg = firstText(holder, {"error_message", "error_msg", "result_msg", "result_message"});
    if (!code.empty() || !msg.empty()) return refused(method, code, msg);
    return false;
}

Result<std::string> IssueApi::parseUploadResult(const ObjectPtr& doc) {
    const std::string_view ctx = kUploadMethod;
    ObjectPtr body = json::responseBody(doc, ctx);
    if (!body) return MarketplaceError::malformed("expected an object in answer to " + std::string(ctx));
    if (auto e = businessError(body, ctx)) return *e;
    static constexpr std::initializer_list<const char*> kPathKeys = {"file_path", "url", "image_url", "photobank_url", "path"};
    if (body->has("result_object")) {
        const Poco::Dynamic::Var r = body->get("result_object");
        if (r.type() == typeid(std::string) && !r.extract<std::string>().empty()) return r.extract<std::string>();
        // The published SDK shows a bare boolean: true accepts without a path.
        if (r.type() == typeid(bool)) {
            if (r.extract<bool>()) return std::string();
            return MarketplaceError::make(connectors::ErrorKind::Rejected, "upload_refused",
                                          "AliExpress did not accept the image.",
                                          std::string(ctx) + " answered result_object false");
        }
        if (ObjectPtr inner = body->getObject("result_object")) {
            if (auto e = businessError(inner, ctx)) return *e;
            std::string p = firstText(inner, kPathKeys);
            if (!p.empty()) return p;
        }
    }
    std::string p = firstText(body, kPathKeys);
    if (!p.empty()) return p;
    return json::expected("result_object", "the uploaded file's path", body->has("result_object") ? body->get("result_object") : Poco::Dynamic::Var(), ctx);
}

Result<IssuePage> IssueApi::listIssues(std::string_view status, int page, int pageSize) const {
    SAC_TRY(doc, _client.call(kListMethod, {{"query_dto", issueListQueryDto(status, page, pageSize)}}));
    return parseIssueList(doc);
}

Result<IssueDetail> IssueApi::issueDetail(std::string_view buyerLoginId, std::int64_t issueId) const {
    SAC_TRY(doc, _client.call(kDetailMethod, {{"buyer_login_id", std::string(buyerLoginId)}, {"issue_id", std::to_string(issueId)}}));
    return parseIssueDetail(doc, issueId);
}

Result<bool> IssueApi::agreeSolution(std::string_view buyerLoginId, std::int64_t issueId, std::int64_t solutionId,
                                     std::optional<std::int64_t> returnAddressId) const {
    IopParams p{{"buyer_login_id", std::string(buyerLoginId)},
                {"issue_id", std::to_string(issueId)},
                {"solution_id", std::to_string(solutionId)}};
    if (returnAddressId) p["return_address_id"] = std::to_string(*returnAddressId);
    SAC_TRY(doc, _client.call(kAgreeMethod, p, false));
    return parseConfirmation(doc, kAgreeMethod);
}

Result<bool> IssueApi::saveSolution(const SaveSolutionRequest& request) const {
    SAC_TRY(doc, _client.call(kSaveMethod, {{"param_dto", saveSolutionParamDto(request)}}, false));
    return parseConfirmation(doc, kSaveMethod);
}

Result<std::string> IssueApi::uploadImage(std::string_view buyerLoginId, std::int64_t issueId, std::string_view extension,
                                          std::string bytes) const {
    connectors::FilePart file;
    file.fieldName = "image_bytes";
    file.fileName = "evidence." + std::string(extension);
    file.contentType = contentTypeFor(std::string(extension));
    file.bytes = std::move(bytes);
    SAC_TRY(doc, _client.upload(kUploadMethod,
                                {{"buyer_login_id", std::string(buyerLoginId)},
                                 {"issue_id", std::to_string(issueId)},
                                 {"extension", std::string(extension)}},
                                file, false));
    return parseUploadResult(doc);
}

} // namespace sac::aliexpress
