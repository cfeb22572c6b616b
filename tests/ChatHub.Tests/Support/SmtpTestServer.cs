using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace ChatHub.Tests.Support;

/// <summary>
/// A real SMTP endpoint on a free loopback port, speaking just enough of RFC 5321 (EHLO/HELO, MAIL FROM,
/// RCPT TO, DATA, RSET, NOOP, QUIT) for the service's real SMTP client; it keeps every mail it is given.
/// </summary>
public sealed partial class SmtpTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<ReceivedMail> _mails = [];
    private readonly List<(string To, TaskCompletionSource<ReceivedMail> Done)> _waiters = [];
    private readonly Task _accepting;

    public SmtpTestServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Settings that send the service's mail here.</summary>
    public Dictionary<string, string> Settings => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Smtp:UseStartTls"] = "false",
        ["Email:From"] = "CharacterChat <no-reply@chathub.test>",
    };

    public IReadOnlyList<ReceivedMail> MailsTo(string address)
    {
        lock (_lock) return _mails.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>The first mail to the address that arrived after <paramref name="skip"/> earlier ones, within the event timeout.</summary>
    public async Task<ReceivedMail> WaitForMailAsync(string address, int skip = 0)
    {
        TaskCompletionSource<ReceivedMail> done;
        lock (_lock)
        {
            if (MailsTo(address).Skip(skip).FirstOrDefault() is { } mail) return mail;
            done = new TaskCompletionSource<ReceivedMail>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((address, done));
        }
        return await done.Task.Bounded();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop one way or another.
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        try
        {
            await writer.WriteLineAsync("220 localhost test SMTP");
            string? from = null;
            var to = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        Add(new ReceivedMail(from ?? "", [.. to], await ReadDataAsync(reader)));
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up or the server is stopping.
        }
    }

    /// <summary>Up to the line holding a single dot; a leading dot of any other line is unstuffed (RFC 5321 §4.5.2).</summary>
    private async Task<MimeMessage> ReadDataAsync(StreamReader reader)
    {
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(_stop.Token) is { } line && line != ".")
        {
            data.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
        }
        return await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(data.ToString())), _stop.Token);
    }

    private void Add(ReceivedMail mail)
    {
        lock (_lock)
        {
            _mails.Add(mail);
            foreach (var waiter in _waiters.Where(w => mail.To.Contains(w.To, StringComparer.OrdinalIgnoreCase)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(mail);
            }
        }
    }

    private static string Address(string line) => AddressPattern().Match(line) is { Success: true } match ? match.Groups[1].Value : "";

    [GeneratedRegex("<([^>]*)>")]
    private static partial Regex AddressPattern();
}

public sealed partial record ReceivedMail(string From, IReadOnlyList<string> To, MimeMessage Message)
{
    /// <summary>The token the mail hands over: it stands on a line of its own.</summary>
    public string Token => TokenLine().Match(Message.TextBody ?? "").Groups[1].Value;

    [GeneratedRegex(@"(?m)^([A-Za-z0-9_-]{43})\r?$")]
    private static partial Regex TokenLine();
}
