#pragma once
// Starting a connection's session (internal to host/http; the protocol is in session.cc).
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include "http/server_shared.h"

namespace shiming::http::detail {

// Each connection runs on its own strand (concrete type: no executor type erasure).
using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using ConnectionSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Strand>;

void start_plain_session(std::shared_ptr<ServerShared> shared, ConnectionSocket socket);
void start_tls_session(std::shared_ptr<ServerShared> shared, ConnectionSocket socket,
                       std::shared_ptr<boost::asio::ssl::context> tls);

}  // namespace shiming::http::detail
