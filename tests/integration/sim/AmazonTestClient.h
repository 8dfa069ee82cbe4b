#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sac::sim::test {

/// A raw HTTP reply, headers by lower-case name.
struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;
  /// The parsed body when it is a JSON object, else null.
  Poco::JSON::Object::Ptr json() const;
  /// errors[0].<field> of an SP-API error body, "" when absent.
  std::string spError(const std::string& field) const;
};

/// A small client for the simulated Amazon side, written from the public documentation
/// (LWA form post, x-amz-access-token header, presigned document URLs) and independent
/// of the simulator's code.
class AmazonTestClient {
public:
  explicit AmazonTestClient(std::uint16_t port) : port_(port) {}

  HttpReply send(const std::string& verb, const std::string& path_and_query,
                 const std::map<std::string, std::string>& headers = {},
                 const std::string& content_type = "", const std::string& body = "") const;

  HttpReply token(const std::string& client_id, const std::string& secret,
                  const std::string& refresh_token,
                  const std::string& grant_type = "refresh_token") const;
  /// A fresh access token for the default demo client ("" when refused).
  std::string accessToken() const;

  HttpReply createReport(const std::string& access_token, const std::string& json_body) const;
  HttpReply createReportOfType(const std::string& access_token, const std::string& type) const;
  HttpReply getReport(const std::string& access_token, const std::string& report_id) const;
  HttpReply getDocument(const std::string& access_token, const std::string& document_id) const;
  /// GET of an absolute http://127.0.0.1:<port>/... URL (a presigned document URL).
  HttpReply fetchUrl(const std::string& url) const;

  /// createReport, polls getReport until a final status (at most 10 polls) and returns
  /// the final report JSON (null when something went wrong; the reason is in `failure`).
  Poco::JSON::Object::Ptr runReport(const std::string& access_token, const std::string& json_body,
                                    std::string* failure) const;
  /// runReport for `type` + getReportDocument + download. Returns the raw file bytes and
  /// the compression the document claimed ("" or "GZIP").
  std::string downloadReport(const std::string& access_token, const std::string& type,
                             std::string* compression, std::string* failure) const;

  static std::string gunzip(const std::string& bytes);
  static std::string formEncode(const std::map<std::string, std::string>& form);
  /// Lines without their terminator ("\r\n" or "\n"), then tab-separated fields.
  static std::vector<std::vector<std::string>> parseTsv(const std::string& text);

private:
  std::uint16_t port_;
};

}  // namespace sac::sim::test
