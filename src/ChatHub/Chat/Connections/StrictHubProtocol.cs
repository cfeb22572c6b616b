using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ChatHub.Chat.Connections;

/// <summary>
/// A hub protocol (JSON or MessagePack) that holds clients to it. SignalR's protocols skip a message of a type they do
/// not know and report "no message yet"; the connection then waits for the rest of a message that never comes, and
/// answers nothing more. Here such a message ends the connection, with a close message that says why. And a call whose
/// arguments cannot be read is answered with what the method takes, instead of the framework's bare "error on the server".
/// </summary>
public sealed partial class StrictHubProtocol(IHubProtocol inner, ILogger<StrictHubProtocol> logger) : IHubProtocol
{
    public const string UnknownMessage = "The connection was closed: it sent a message type this hub protocol does not know.";

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var length = input.Length;
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            // Bytes consumed but no message: a whole message of an unknown type was read and dropped. A HubException,
            // because SignalR passes only those on to the client in its close message.
            if (input.Length != length)
            {
                LogUnknownMessage(logger, Name);
                throw new HubException(UnknownMessage);
            }
            return false;
        }
        if (message is InvocationBindingFailureMessage failure) message = Explained(failure, binder);
        return true;
    }

    /// <summary>The same failure, with a reason the caller can act on; refused like any other call, so one Information line.</summary>
    private InvocationBindingFailureMessage Explained(InvocationBindingFailureMessage failure, IInvocationBinder binder)
    {
        if (failure.BindingFailure.SourceException is HubException) return failure;
        string reason;
        try
        {
            var parameters = binder.GetParameterTypes(failure.Target);
            reason = $"The arguments of {failure.Target} could not be read. It takes {parameters.Count} argument(s): {string.Join(", ", parameters.Select(Shape))}.";
        }
        catch (HubException unknownMethod)
        {
            return new InvocationBindingFailureMessage(failure.InvocationId, failure.Target, ExceptionDispatchInfo.Capture(unknownMethod));
        }
        LogUnreadableArguments(logger, failure.Target, failure.BindingFailure.SourceException.GetType().Name, failure.BindingFailure.SourceException.Message);
        return new InvocationBindingFailureMessage(failure.InvocationId, failure.Target, ExceptionDispatchInfo.Capture(new HubException(reason)));
    }

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "A connection sent a {Protocol} message of a type the protocol does not know; it is closed")]
    private static partial void LogUnknownMessage(ILogger logger, string protocol);

    private static string Shape(Type type) => type == typeof(string) ? "a string" : $"a {type.Name} object";

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Hub call {Method} refused: its arguments could not be read ({Error}: {Detail})")]
    private static partial void LogUnreadableArguments(ILogger logger, string method, string error, string detail);
}
