// sac-mail-pipe [--recipient=ADDRESS] URL [TOKEN_FILE]
//
// Reads one raw RFC 5322 message on stdin and POSTs it to URL (the module's
// inbound endpoint, e.g. http://127.0.0.1:8080/sac-inbound/mail) with the
// shared token from TOKEN_FILE or the environment variable SAC_INBOUND_TOKEN
// in the X-Sac-Inbound-Token header. ADDRESS is the envelope recipient the
// MTA delivers to (Postfix pipe(8): --recipient=${recipient}), sent in the
// X-Sac-Envelope-Recipient header: the module then binds the message to the
// account of that address only. Without it the module reads the recipient
// headers the MTA added (Delivered-To, X-Original-To). Exit codes follow
// sysexits.h, as MTA pipe transports expect:
//   0  EX_OK        the module decided (stored, duplicate, ignored, irrelevant,
//                   dropped: a message for no account is handled, not bounced)
//   64 EX_USAGE     wrong arguments (also a recipient with control characters
//                   or over 512 bytes)
//   65 EX_DATAERR   the message is malformed or too large (the MTA bounces it)
//   75 EX_TEMPFAIL  the host is unreachable, busy, misconfigured or refused the
//                   token (the MTA keeps the message and retries)
// Only the outcome is printed (stderr); never the message or the token.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

namespace {

constexpr int kOk = 0;
constexpr int kUsage = 64;
constexpr int kDataErr = 65;
constexpr int kTempFail = 75;
constexpr std::size_t kMaxBytes = 64u << 20;
constexpr std::size_t kMaxRecipientBytes = 512;
constexpr const char* kUsageLine = "usage: sac-mail-pipe [--recipient=ADDRESS] URL [TOKEN_FILE] < message.eml\n";

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

} // namespace

int main(int argc, char** argv) {
    std::string recipient;
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--recipient=", 0) == 0) {
            recipient = a.substr(12);
        } else if (a == "--recipient" && i + 1 < argc) {
            recipient = argv[++i];
        } else if (a.rfind("--", 0) == 0) {
            std::cerr << "sac-mail-pipe: unknown option " << a.substr(0, 40) << "\n" << kUsageLine;
            return kUsage;
        } else {
            args.push_back(a);
        }
    }
    if (args.empty() || args.size() > 2) {
        std::cerr << kUsageLine;
        return kUsage;
    }
    // The recipient goes into a request header: nothing that could end it.
    if (recipient.size() > kMaxRecipientBytes ||
        std::any_of(recipient.begin(), recipient.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
        std::cerr << "sac-mail-pipe: expected --recipient as one address of at most " << kMaxRecipientBytes
                  << " printable bytes\n";
        return kUsage;
    }
    const std::string url = args[0];
    std::string token;
    if (args.size() == 2) {
        std::ifstream in(args[1]);
        if (!in) {
            std::cerr << "sac-mail-pipe: cannot read the token file " << args[1] << "\n";
            return kTempFail;
        }
        std::getline(in, token);
        token = trimmed(token);
    } else if (const char* env = std::getenv("SAC_INBOUND_TOKEN")) {
        token = env;
    }
    if (token.empty()) {
        std::cerr << "sac-mail-pipe: no token (TOKEN_FILE or SAC_INBOUND_TOKEN)\n";
        return kTempFail;
    }

    std::string body;
    {
        char buf[65536];
        std::size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
            body.append(buf, n);
            if (body.size() > kMaxBytes) {
                std::cerr << "sac-mail-pipe: message over " << kMaxBytes << " bytes refused\n";
                return kDataErr;
            }
        }
    }
    if (body.empty()) {
        std::cerr << "sac-mail-pipe: empty message\n";
        return kDataErr;
    }

    try {
        Poco::URI uri(url);
        if (uri.getScheme() != "http") {
            std::cerr << "sac-mail-pipe: expected an http:// URL of the host on this machine\n";
            return kUsage;
        }
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(Poco::Timespan(60, 0));
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType("message/rfc822");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
        req.set("X-Sac-Inbound-Token", token);
        if (!recipient.empty()) req.set("X-Sac-Envelope-Recipient", recipient);
        // The body goes straight to the socket in slices, so that a host answering before
        // reading it all (413 over host.max_body_bytes, then it closes) is still heard: a
        // reset while sending is not the end, its answer may be waiting to be read.
        std::ostream& head = session.sendRequest(req);
        head.flush();
        if (!head) throw Poco::IOException("cannot send the request");
        Poco::Net::StreamSocket& socket = session.socket();
        std::string sendError;
        try {
            constexpr std::size_t kSlice = 64 * 1024;
            for (std::size_t at = 0; at < body.size();) {
                if (socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) break;
                const int n = socket.sendBytes(body.data() + at, static_cast<int>(std::min(kSlice, body.size() - at)));
                if (n <= 0) throw Poco::IOException("the host stopped reading");
                at += static_cast<std::size_t>(n);
            }
        } catch (const Poco::Exception& e) {
            sendError = e.displayText();
        }
        Poco::Net::HTTPResponse res;
        std::string answer;
        try {
            std::istream& rs = session.receiveResponse(res);
            Poco::StreamCopier::copyToString(rs, answer);
        } catch (const Poco::Exception&) {
            if (sendError.empty()) throw;
            std::cerr << "sac-mail-pipe: host unreachable: " << sendError << "\n";
            return kTempFail;
        }
        const int status = static_cast<int>(res.getStatus());
        // One line for the MTA's log: the module's {"outcome":...} (a host page is cut short).
        std::string brief = answer.substr(0, 200);
        for (char& c : brief)
            if (c == '\r' || c == '\n' || c == '\t') c = ' ';
        std::cerr << "sac-mail-pipe: HTTP " << status << " " << brief << "\n";
        if (status == 200) return kOk;
        if (status == 413 || status == 422) return kDataErr;
        return kTempFail;
    } catch (const Poco::Exception& e) {
        std::cerr << "sac-mail-pipe: host unreachable: " << e.displayText() << "\n";
        return kTempFail;
    } catch (const std::exception& e) {
        std::cerr << "sac-mail-pipe: " << e.what() << "\n";
        return kTempFail;
    }
}
