using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SentimentWatch.Alerting.Tests.Support;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 (EHLO, AUTH PLAIN/LOGIN accepted, MAIL, RCPT, DATA, QUIT)
/// that keeps each message's envelope and raw data.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public ConcurrentQueue<SmtpMessage> Messages { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public SmtpSink()
    {
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 127.0.0.1 test SMTP ready");
        string? from = null;
        var to = new List<string>();
        string? user = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-127.0.0.1");
                    await writer.WriteLineAsync("250-AUTH PLAIN LOGIN");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO":
                    await writer.WriteLineAsync("250 127.0.0.1");
                    break;
                case "AUTH":
                    var parts = line.Split(' ');
                    if (parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
                    {
                        var payload = parts.Length > 2 ? parts[2] : await Ask(writer, reader, "334 ");
                        user = Encoding.UTF8.GetString(Convert.FromBase64String(payload!)).Split('\0')[1];
                    }
                    else
                    {
                        user = Encoding.UTF8.GetString(Convert.FromBase64String((await Ask(writer, reader, "334 VXNlcm5hbWU6"))!));
                        await Ask(writer, reader, "334 UGFzc3dvcmQ6");
                    }

                    await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                    break;
                case "MAIL":
                    from = Address(line);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(Address(line));
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        data.AppendLine(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine);
                    }

                    Messages.Enqueue(new SmtpMessage(from ?? "", to.ToArray(), user, data.ToString()));
                    to.Clear();
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }

    private static string Address(string line) => line[(line.IndexOf('<') + 1)..line.IndexOf('>')];

    private static async Task<string?> Ask(StreamWriter writer, StreamReader reader, string prompt)
    {
        await writer.WriteLineAsync(prompt);
        return await reader.ReadLineAsync();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}

public sealed record SmtpMessage(string From, IReadOnlyList<string> To, string? User, string Data);
