#include "sac/test/PrivateMariaDb.h"

#include "sac/sql/Database.h"
#include "sac/test/TestDatabase.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sac::test {

namespace {

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

std::uint16_t freeLoopbackPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("freeLoopbackPort: socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("freeLoopbackPort: bind() failed");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

PrivateMariaDb::PrivateMariaDb() : _dir("sac-mariadb-"), _port(freeLoopbackPort()) {
    // Stops the server and removes its folder when this process ends, however it ends.
    const std::string watcher = "( while kill -0 " + std::to_string(::getpid()) +
                                " 2>/dev/null; do sleep 1; done; " + quoted(sourcePath("scripts/mariadb.sh")) +
                                " stop " + quoted(_dir.path()) + "; rm -rf " + quoted(_dir.path()) +
                                " ) </dev/null >/dev/null 2>&1 &";
    if (std::system(watcher.c_str()) != 0) throw std::runtime_error("PrivateMariaDb: cannot start the watcher");
    start();
}

PrivateMariaDb::~PrivateMariaDb() {
    try {
        stop();
    } catch (...) {
    }
}

std::string PrivateMariaDb::script(const std::string& command) const {
    const std::string out = _dir.file(command + ".out");
    std::string line = quoted(sourcePath("scripts/mariadb.sh")) + " " + command + " " + quoted(_dir.path());
    if (command == "start") line += " " + std::to_string(_port);
    line += " >" + quoted(out) + " 2>&1 </dev/null";
    const int rc = std::system(line.c_str());
    const std::string text = readFile(out);
    if (rc != 0)
        throw std::runtime_error("scripts/mariadb.sh " + command + " " + _dir.path() + " failed (" +
                                 std::to_string(rc) + "): " + text);
    return text;
}

void PrivateMariaDb::start() {
    script("start");
    _running = true;
}

void PrivateMariaDb::stop() {
    script("stop");
    _running = false;
}

std::string PrivateMariaDb::serverUrl() const { return "mysql://sac:sac@127.0.0.1:" + std::to_string(_port) + "/"; }

std::string PrivateMariaDb::createDatabase(const std::string& name) const {
    auto server = sac::sql::Database::open(serverUrl() + "?pool=1");
    server->acquire()->execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    return serverUrl() + name;
}

} // namespace sac::test
