using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatHub.Contracts;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

/// <summary>What the model is sent for a user-made character, as the fake OpenAI server received it.</summary>
public sealed class CardPromptRemoteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheModelGetsTheCardTheTriggeredLoreTheUsersPersonaAndTheInstructionsAfterTheHistory()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        await using var server = await ChatServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(fake.LlmConfiguration));
        var user = await server.CreateUserAsync();
        using var http = user.Http();
        (await http.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = "Lois", Persona = "A reporter who never gives up." }, Ct)).EnsureSuccessStatusCode();
        var character = await user.CreateCharacterAsync(CharacterCalls.NewCharacter("Mara") with
        {
            SystemPrompt = "You play {{char}} for {{user}}.",
            Greeting = "Cargo or passenger, {{user}}?",
            PostHistoryInstructions = "Stay under 80 words.",
            CreatorNotes = "Only for people.",
            Lorebook = new JsonObject
            {
                ["entries"] = new JsonArray(
                    new JsonObject { ["keys"] = new JsonArray("blockade"), ["content"] = "The blockade is run by the Admiralty." },
                    new JsonObject { ["keys"] = new JsonArray("dragon"), ["content"] = "Dragons are extinct." }),
            },
        });
        var conversation = await user.CreateConversationAsync(character.Id);
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(conversation.Id, "Can we run the blockade tonight?");
        await device.Events.Completed(sent.ReplyId);

        var request = Assert.Single(await fake.WaitForRequestsAsync(1, Ct));
        var (role, system) = request.Messages[0];
        Assert.Equal("system", role);
        Assert.StartsWith("You play Mara for Lois.", system);
        Assert.Contains("A reporter who never gives up.", system);
        Assert.Contains("The blockade is run by the Admiralty.", system);
        Assert.DoesNotContain("Dragons", system);
        Assert.DoesNotContain(request.Messages, m => m.Content.Contains("Only for people."));
        Assert.Equal(
            [("assistant", "Cargo or passenger, Lois?"), ("user", "Can we run the blockade tonight?"), ("system", "Stay under 80 words.")],
            request.Messages.Skip(1));
    }
}
