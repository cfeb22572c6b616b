async ({ token, conversationId, timeoutMs }) => {
  // An outside client of the conversation tree, on the @microsoft/signalr package the page ships
  // (wwwroot/lib/signalr): it sends, regenerates (twice with one id), and swipes back with SelectBranch.
  // Every wait is bounded; the answer is what the server said, for the test to check.
  const { HubConnectionBuilder, HttpTransportType } = window.signalR;
  const connection = new HubConnectionBuilder()
    .withUrl("/hubs/chat", { accessTokenFactory: () => token, transport: HttpTransportType.WebSockets, skipNegotiation: true })
    .build();
  const events = [];
  for (const name of ["ReplyStarted", "ReplyCompleted", "BranchSelected"]) connection.on(name, (payload) => events.push({ name, payload }));
  const heard = async (name, match) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = events.find((e) => e.name === name && match(e.payload));
      if (event) return event.payload;
      if (Date.now() > deadline) throw new Error(`No ${name} within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await connection.start();
  try {
    await connection.invoke("WatchConversation", conversationId);
    const sent = await connection.invoke("SendMessage", { conversationId, message: "A question from a script.", clientMessageId: "js-send-1" });
    await heard("ReplyCompleted", (p) => p.replyId === sent.replyId);
    const request = { conversationId, replyId: sent.replyId, clientRequestId: "js-regenerate-1" };
    const regenerated = await connection.invoke("RegenerateReply", request);
    const retried = await connection.invoke("RegenerateReply", request);
    const started = await heard("ReplyStarted", (p) => p.replyId === regenerated.replyId);
    const completed = await heard("ReplyCompleted", (p) => p.replyId === regenerated.replyId);
    const selected = await connection.invoke("SelectBranch", { conversationId, messageId: sent.replyId });
    const branch = await heard("BranchSelected", (p) => p.leafId === sent.replyId);
    return { sent, regenerated, retried, started, completed: completed.message, selected, branch };
  } finally {
    await connection.stop();
  }
}
