using ChatHub.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.LoadTest.Engine;

/// <summary>A completed turn, kept to compare with the stored history after the run.</summary>
public sealed record Turn(SendMessageRequest Request, SendMessageResult Sent, string StreamedText, int Deltas, MessageDto Completed)
{
    public int Tokens => Engine.Tokens.Count(StreamedText);
}

/// <summary>
/// One simulated user: connects (and maybe a second device on the next node), creates a
/// conversation, then sends its messages one at a time, waiting a bounded time for each reply.
/// </summary>
public sealed class UserSession(int index, string? accessToken, RunState state)
{
    private readonly List<Device> _devices = [];
    private readonly List<Turn> _turns = [];

    public int Index { get; } = index;
    public string? AccessToken { get; } = accessToken;
    public string? ConversationId { get; private set; }
    public IReadOnlyList<Turn> Turns => _turns;
    public IReadOnlyList<Device> Devices => _devices;

    private bool HasSecondDevice => Index < state.Options.Users * state.Options.SecondDeviceRatio;

    /// <param name="startDelay">Where this session falls in the ramp-up.</param>
    public async Task RunAsync(TimeSpan startDelay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(startDelay, cancellationToken);
            if (!await SetUpAsync(cancellationToken)) return;
            for (var m = 0; m < state.Options.Messages; m++)
            {
                if (m > 0) await Task.Delay(state.Options.Think, cancellationToken);
                if (!await TurnAsync(m, cancellationToken)) return;
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever a call threw once the cap had passed, the cap is what ended the session.
            state.Errors.Add("session cut short by --duration");
        }
    }

    private async Task<bool> SetUpAsync(CancellationToken cancellationToken)
    {
        var stage = "connect";
        try
        {
            await ConnectAsync(state.Node(Index), cancellationToken);
            if (HasSecondDevice) await ConnectAsync(state.Node(Index + 1), cancellationToken);
            stage = "create conversation";
            ConversationId = await state.Target.Setup.CreateConversationAsync(state.Node(Index), AccessToken, cancellationToken);
            stage = "watch";
            foreach (var watcher in _devices.Skip(1)) await watcher.Hub.WatchConversation(ConversationId).WaitAsync(state.Options.ReplyTimeout, cancellationToken);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            state.Errors.Add(stage, ex);
            return false;
        }
    }

    private async Task ConnectAsync(Uri node, CancellationToken cancellationToken)
    {
        var start = Clock.Now;
        _devices.Add(await Device.ConnectAsync(node, AccessToken, state.Options.Protocol, state, cancellationToken));
        state.Samples.Add(Metrics.Connect, Clock.MsSince(start));
    }

    /// <summary>Sends one message and checks its reply on every device; false ends the session.</summary>
    private async Task<bool> TurnAsync(int number, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest
        {
            ConversationId = ConversationId!,
            // Varied text, so the simulated model's replies vary in length as they would in use.
            Message = $"Message {number + 1} from user {Index}: what do you make of the case so far?",
            ClientMessageId = $"{state.RunId}-{Index}-{number}",
        };
        var sentAt = Clock.Now;
        SendMessageResult sent;
        try
        {
            sent = await _devices[0].Hub.SendMessage(request).WaitAsync(state.Options.ReplyTimeout, cancellationToken);
        }
        catch (HubException ex)
        {
            state.Errors.Add($"send refused: {ex.UserMessage()}");
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            state.Errors.Add("send", ex);
            return false;
        }
        state.Samples.Add(Metrics.Ack, Clock.MsSince(sentAt));

        var traces = _devices.Select(d => d.Listener.Reply(sent.ReplyId)).ToArray();
        try
        {
            await Task.WhenAll(traces.Select(t => t.Ended)).WaitAsync(state.Options.ReplyTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            state.Errors.Add("reply did not end within --reply-timeout");
            return false;
        }
        return Record(request, sent, sentAt, traces);
    }

    private bool Record(SendMessageRequest request, SendMessageResult sent, long sentAt, ReplyTrace[] traces)
    {
        var primaryEnd = traces[0].Ended.Result;
        for (var i = 0; i < traces.Length; i++)
        {
            var end = traces[i].Ended.Result;
            var check = traces[i].Check(end.Message?.Message);
            state.Correctness.Add(check);
            if (check.FirstDeltaAt is { } first)
            {
                state.Samples.Add(i == 0 ? Metrics.FirstDelta : Metrics.FirstDeltaSecondDevice, Clock.Ms(sentAt, first));
            }
            if (i > 0) continue;
            state.Samples.AddRange(Metrics.Gap, check.GapsMs);
            state.Samples.Add(Metrics.Completion, Clock.Ms(sentAt, end.At));
            if (check.GapsMs.Sum() is > 0 and var streamingMs)
            {
                state.Samples.Add(Metrics.StreamRate, check.TokensAfterFirst / (streamingMs / 1000));
            }
            if (end.Message is not null) _turns.Add(new Turn(request, sent, check.Text, check.Deltas, end.Message));
        }
        if (traces.Length > 1)
        {
            var first = traces[0].Arrivals();
            var second = traces[1].Arrivals();
            var metric = state.Node(Index) == state.Node(Index + 1) ? Metrics.SecondDeviceLagSameNode : Metrics.SecondDeviceLagOtherNode;
            state.Samples.AddRange(metric, second.Where(a => first.ContainsKey(a.Key)).Select(a => Clock.Ms(first[a.Key], a.Value)));
        }
        if (primaryEnd.Error is not null)
        {
            state.Errors.Add($"reply failed: {primaryEnd.Error}");
            return false;
        }
        state.Live.Reply();
        return true;
    }
}
