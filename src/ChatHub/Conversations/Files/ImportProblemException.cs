namespace ChatHub.Conversations.Files;

/// <summary>What is wrong with an imported file, in words for the person who sent it (the 400's detail).</summary>
public sealed class ImportProblemException(string message) : Exception(message);
