#include "domain/StatusMapping.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace sac::domain {
namespace {

std::string normalise(std::string_view s) {
    const auto* b = s.begin();
    const auto* e = s.end();
    while (b != e && std::isspace(static_cast<unsigned char>(*b))) ++b;
    while (e != b && std::isspace(static_cast<unsigned char>(*(e - 1)))) --e;
    std::string out(b, e);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool startsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }
bool contains(const std::string& s, std::string_view p) { return s.find(p) != std::string::npos; }

StatusMapping mapProcessing(const std::string& fine) {
    if (fine.empty()) return {CaseStatus::Pendente, true};
    // Exact values first.
    if (fine == "wait_for_seller_response" || fine == "wait_for_your_response" || fine == "wait_for_your_evidence" ||
        fine == "wait_for_seller_evidence")
        return {CaseStatus::Pendente, true};
    // AliExpress itself (or its return warehouse) is deciding or acting.
    if (fine == "wait_for_ae_feedback" || fine == "wait_for_final_solution" || startsWith(fine, "wait_for_warehouse"))
        return {CaseStatus::Decisao, true};
    if (fine == "wait_for_seller_confirmation" || fine == "return_success" || fine == "buyer_returned")
        return {CaseStatus::Recebido, true};
    if (fine == "wait_for_buyer_response" || fine == "wait_for_buyer_return" ||
        fine == "wait_for_buyer_evidence" || fine == "refund_success" || fine == "refund_reject")
        return {CaseStatus::Decisao, true};
    // Families of values the platform may add.
    if (contains(fine, "returned")) return {CaseStatus::Recebido, true};
    if (startsWith(fine, "wait_for_seller") || startsWith(fine, "seller_"))
        return {CaseStatus::Pendente, true};
    if (startsWith(fine, "wait_for_buyer") || startsWith(fine, "wait_for_platform") ||
        contains(fine, "arbitration") || startsWith(fine, "platform"))
        return {CaseStatus::Decisao, true};
    return {CaseStatus::Pendente, false};
}

} // namespace

StatusMapping mapAliExpressStatus(std::string_view issueStatus, std::string_view reverseDetailStatus) {
    const std::string issue = normalise(issueStatus);
    const std::string fine = normalise(reverseDetailStatus);
    if (issue == "finish") return {CaseStatus::Fechado, true};
    if (issue == "canceled_issue") return {CaseStatus::Cancelado, true};
    if (issue == "processing") return mapProcessing(fine);
    return {CaseStatus::Pendente, false};
}

} // namespace sac::domain
