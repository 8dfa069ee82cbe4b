#pragma once

#include "sac/aliexpress/IopClient.h"
#include "sac/aliexpress/IssueTypes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::aliexpress {

/// The AliExpress dispute ("issue") methods over an IopClient. Answers are accepted in the
/// wrapped shape (`<method>_response`, lists wrapped in {"<item_type>":[...]}, empty lists as
/// {}) and the simplify=true shape (plain arrays). Ids are read as 64-bit integers from JSON
/// numbers or strings, never through a double; money as decimal text. A missing or mistyped
/// required field is a Malformed error naming the field, the value and the method.
///
/// listIssues and issueDetail are retried under the client's policy; agreeSolution,
/// saveSolution and uploadImage change the dispute and are only retried after RateLimited
/// (see IopClient): on Timeout / Network / Transient the caller re-reads the dispute first.
///
/// Holds a reference to the client, which must outlive it. Same threading as IopClient.
class IssueApi {
public:
    static constexpr int kMaxPageSize = 50;

    explicit IssueApi(const IopClient& client) : _client(client) {}

    /// aliexpress.issue.issuelist.get with query_dto {"current_page","page_size","issue_status"}.
    /// page is 1-based; pageSize is clamped to 1..50. An empty status is left out.
    connectors::Result<IssuePage> listIssues(std::string_view status, int page, int pageSize) const;

    /// aliexpress.issue.detail.get.
    connectors::Result<IssueDetail> issueDetail(std::string_view buyerLoginId, std::int64_t issueId) const;

    /// aliexpress.issue.solution.agree. true when the marketplace confirmed; an explicit
    /// refusal with a reason is a Rejected error carrying it; a bare `false` is false.
    connectors::Result<bool> agreeSolution(std::string_view buyerLoginId, std::int64_t issueId, std::int64_t solutionId,
                                           std::optional<std::int64_t> returnAddressId = std::nullopt) const;

    /// aliexpress.issue.solution.save with param_dto built from `request` (same result rules).
    connectors::Result<bool> saveSolution(const SaveSolutionRequest& request) const;

    /// aliexpress.issue.image.upload: multipart `image_bytes` (not signed) named
    /// "evidence.<extension>". Returns the file path/URL the marketplace answered with,
    /// or "" when it confirmed with a bare `result_object: true`.
    connectors::Result<std::string> uploadImage(std::string_view buyerLoginId, std::int64_t issueId,
                                                std::string_view extension, std::string bytes) const;

    // Pure mapping of whole answer documents (also used by tests and the simulator's checks).
    static connectors::Result<IssuePage> parseIssueList(const Poco::JSON::Object::Ptr& doc);
    static connectors::Result<IssueDetail> parseIssueDetail(const Poco::JSON::Object::Ptr& doc, std::int64_t issueId);
    static connectors::Result<bool> parseConfirmation(const Poco::JSON::Object::Ptr& doc, std::string_view method);
    static connectors::Result<std::string> parseUploadResult(const Poco::JSON::Object::Ptr& doc);

    /// The param_dto JSON text sent by saveSolution().
    static std::string saveSolutionParamDto(const SaveSolutionRequest& request);
    /// The query_dto JSON text sent by listIssues().
    static std::string issueListQueryDto(std::string_view status, int page, int pageSize);

    static constexpr const char* kListMethod = "aliexpress.issue.issuelist.get";
    static constexpr const char* kDetailMethod = "aliexpress.issue.detail.get";
    static constexpr const char* kAgreeMethod = "aliexpress.issue.solution.agree";
    static constexpr const char* kSaveMethod = "aliexpress.issue.solution.save";
    static constexpr const char* kUploadMethod = "aliexpress.issue.image.upload";

private:
    const IopClient& _client;
};

} // namespace sac::aliexpress
