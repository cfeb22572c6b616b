using System.Text;
using ChatHub.Contracts;

namespace ChatHub.Tests.Support;

/// <summary>The REST calls of the conversation list, export and import tests, each bounded like every other await.</summary>
public static class ConversationCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ConversationDto[]> ConversationsAsync(this TestUser user, string? query = null, int? limit = null) =>
        (await user.PageAsync<ConversationDto>(Routes.ConversationList(query, limit: limit))).Page;

    public static async Task<string> SeededCharacterIdAsync(this TestUser user) => (await user.CatalogueAsync(Routes.Characters)).Page[0].Id;

    /// <summary>Posts the file as a form's file, as the page's import button does.</summary>
    public static async Task<HttpResponseMessage> ImportConversationAsync(this TestUser user, byte[] file, string fileName, string? characterId = null)
    {
        using var http = user.Http();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", fileName } };
        return await http.PostAsync(Routes.ImportConversation(characterId), form, Ct).Bounded();
    }

    public static Task<HttpResponseMessage> ImportConversationAsync(this TestUser user, string file, string fileName, string? characterId = null) =>
        user.ImportConversationAsync(Encoding.UTF8.GetBytes(file), fileName, characterId);

    public static async Task<HttpResponseMessage> ExportAsync(this TestUser user, string conversationId, string format)
    {
        using var http = user.Http();
        return await http.GetAsync(Routes.ConversationExport(conversationId, format), Ct).Bounded();
    }
}
